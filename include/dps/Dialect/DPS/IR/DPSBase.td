//===- DPSBase.td - dps dialect definition -----------------*- tablegen -*-===//
#ifndef DPS_DIALECT_DPS_IR_DPSBASE_TD
#define DPS_DIALECT_DPS_IR_DPSBASE_TD

include "mlir/IR/OpBase.td"

def DPS_Dialect : Dialect {
  let name = "dps";
  let cppNamespace = "::mlir::dps";
  let summary = "Dynamic precision scaling at epoch granularity";
  let description = [{
    The `dps` dialect expresses neural-network training steps whose samples run
    at different precisions. A forward model is written with layer ops on
    ranked float tensors (`dps.dense`, `dps.conv2d`, ...); a `dps.train_step`
    declares its loss, optimizer, learning-rate schedule and the precision
    ladder. Passes derive the gradient, update and evaluation functions,
    specialise the gradient function once per ladder rung and lower everything
    through linalg to LLVM.

    Parameters of the forward function are its arguments carrying a
    `dps.param` attribute: an initialiser (`#dps.init<he_normal>`) or the
    parameter's value (an elements attribute of the argument's type).
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasRegionArgAttrVerify = 1;
  let dependentDialects = ["::mlir::func::FuncDialect"];
  let extraClassDeclaration = [{
    /// Name of the forward-function argument attribute that marks a parameter.
    static constexpr ::llvm::StringLiteral kParamAttrName = "dps.param";
    /// Argument attribute of generated kernels: a #dps.role.
    static constexpr ::llvm::StringLiteral kRoleAttrName = "dps.role";
    /// Function attributes of generated kernels.
    static constexpr ::llvm::StringLiteral kKernelAttrName = "dps.kernel";
    static constexpr ::llvm::StringLiteral kTrainStepAttrName = "dps.train_step";
    static constexpr ::llvm::StringLiteral kPrecisionAttrName = "dps.precision";
    /// Function attribute of update kernels: the rungs whose gradient sets
    /// the kernel reads, in ladder order (an array of types; absent: the
    /// whole ladder).
    static constexpr ::llvm::StringLiteral kRungsAttrName = "dps.rungs";
    /// Unit attribute on the linalg ops that are contractions (matmul-like
    /// generics): what dps-vectorize-contractions tiles and vectorizes.
    static constexpr ::llvm::StringLiteral kContractionAttrName = "dps.contraction";
    /// Unit attribute on an scf.for whose iterations are independent (the
    /// row tiles of a contraction): dps-parallelize-tiles runs it in parallel.
    static constexpr ::llvm::StringLiteral kParallelAttrName = "dps.parallel";
    /// Integer attribute on a contraction whose A is read through an image
    /// (a convolution without im2col): the rows of C that make one row of
    /// the output image. A tile of rows must lie within one such row: its
    /// rows of A are then consecutive pixels of the padded image.
    static constexpr ::llvm::StringLiteral kRowPeriodAttrName = "dps.row_period";
    /// Unit attributes of the AMX path (dps-vectorize-contractions with
    /// `amx`): a bf16 contraction over VNNI-packed operands,
    /// C[m, n] += A[m, k2, v] * B[k2, n, v], and the copy that packs B's
    /// rows in pairs, P[k2, n, v] = B[2 * k2 + v, n] (or B^T's,
    /// P[k2, n, v] = B[n, 2 * k2 + v]). dps-lower-amx turns them into AMX
    /// tile loops and interleaving or transposing vector loops.
    static constexpr ::llvm::StringLiteral kAMXContractionAttrName = "dps.amx";
    static constexpr ::llvm::StringLiteral kVNNIPackAttrName = "dps.vnni_pack";
    /// ... and the copy that untransposes A, T[i, j] = A[j, i].
    static constexpr ::llvm::StringLiteral kAMXTransposeAttrName = "dps.amx_transpose";
    /// Unit attribute on the copy a `dps.unpack_vnni` lowers to,
    /// B[k, n] = P[k / 2, n, k % 2] (a `dps.pack_vnni` lowers to a
    /// `dps.vnni_pack` copy): dps-vectorize-contractions reads P itself
    /// where a vdpbf16ps tile wants B's pairs of rows, and what still reads
    /// B gets a deinterleaving vector loop.
    static constexpr ::llvm::StringLiteral kVNNIUnpackAttrName = "dps.vnni_unpack";
    /// String argument attribute of generated kernels: the argument's
    /// layout when it is not row-major ("vnni": a K x N matrix held as
    /// K/2 x N x 2, see dps.pack_vnni). The manifest's `layout`.
    static constexpr ::llvm::StringLiteral kLayoutAttrName = "dps.layout";
    /// Unit argument attribute that dps-kernel-buffer-abi{stream-master-weights}
    /// leaves on the master weights (`param` arguments; only an update
    /// writes them) and dps-vectorize-elementwise consumes: the kernel's
    /// vector writes of the buffer are non-temporal. The next to read the
    /// weights is every rung's refresh, on other threads; a plain store of
    /// a line another core holds waits for that core to drop it.
    static constexpr ::llvm::StringLiteral kStreamAttrName = "dps.stream";
    /// The symbol holding the initial values of parameter `index` of a train
    /// step whose `dps.param` is a value (dps-finalize-kernels makes it).
    static std::string initialValuesSymbol(::llvm::StringRef trainStep,
                                           unsigned index) {
      return (trainStep + "_init_" + ::llvm::Twine(index)).str();
    }

  private:
    void registerAttributes();
  public:
  }];
}

/// Element types dps computes in: the precisions of a ladder.
def DPS_PrecisionType : AnyTypeOf<[F32, F16, BF16, F8E4M3FN, F8E5M2],
    "f32, f16, bf16, f8E4M3FN or f8E5M2">;
def DPS_FloatTensor : RankedTensorOf<[F32, F16, BF16, F8E4M3FN, F8E5M2]>;
def DPS_Float2DTensor : TensorRankOf<[F32, F16, BF16, F8E4M3FN, F8E5M2], [2]>;
def DPS_Float4DTensor : TensorRankOf<[F32, F16, BF16, F8E4M3FN, F8E5M2], [4]>;
def DPS_Float1DTensor : TensorRankOf<[F32, F16, BF16, F8E4M3FN, F8E5M2], [1]>;
def DPS_LabelTensor : TensorRankOf<[I32, I64], [1]>;

#endif // DPS_DIALECT_DPS_IR_DPSBASE_TD
