//===- Passes.td - dps-to-dps passes -----------------------*- tablegen -*-===//
#ifndef DPS_DIALECT_DPS_TRANSFORMS_PASSES_TD
#define DPS_DIALECT_DPS_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def DPSAutodiff : Pass<"dps-autodiff", "::mlir::ModuleOp"> {
  let summary = "Derive the gradient, update and eval kernels of every dps.train_step";
  let description = [{
    For each `dps.train_step @S` over a forward function, adds the gradient
    kernel `@S_grad`:

    ```
    @S_grad(params..., input: batch x ..., labels, rows: index,
            grad_accs..., losses: batch) -> (losses, grad_accs...)
    ```

    It runs the forward pass and the loss on the first `rows` rows of the
    input (rows past them are never read), writes the per-sample losses
    (zeros past `rows`), runs the reverse-mode backward pass and writes the
    gradient of the summed loss into its gradient set.

    Each op's vector-Jacobian product comes from its
    `DifferentiableOpInterface`; an op on the path from a parameter to the
    loss that has none is an error. Arguments carry `dps.role`, the function
    `dps.kernel`, `dps.train_step` and `dps.precision`.

    It adds the optimizer step `@S_update`, which sums every rung's gradient
    set in ladder order (`dps.rungs` lists them), and, with
    `update-variants`, `@S_update_from_<rung>` for each lower rung: the same
    step reading only the sets of that rung and those below it, bitwise what
    `@S_update` computes when the sets above are zero (a step whose top rungs
    are empty, as in the late epochs of a decaying schedule, need not read
    them). With `lanes` > 1 it adds `@S_update_lanes_<rung>` for the ladder's
    top rung, which sums `lanes` sets of that rung (`dps.rungs` lists it
    `lanes` times): a step whose only rung is the top one (a one-rung ladder,
    a rollback epoch) may compute its samples in `lanes` calls at once, each
    writing a set of its own. And `@S_eval`, the per-sample losses and
    predictions.
  }];
  let options = [
    Option<"updateVariants", "update-variants", "bool", /*default=*/"true",
           "Also derive an update kernel for each lower rung, reading the "
           "gradient sets from that rung down">,
    Option<"lanes", "lanes", "unsigned", /*default=*/"2",
           "Also derive an update kernel summing this many gradient sets of "
           "the ladder's top rung (its lone steps split into calls at once); "
           "1: none">
  ];
  let dependentDialects = [
    "::mlir::dps::DPSDialect", "::mlir::tensor::TensorDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect"
  ];
}

def DPSSpecializePrecision : Pass<"dps-specialize-precision", "::mlir::ModuleOp"> {
  let summary = "One gradient kernel per ladder rung, and refresh kernels for their parameter copies";
  let description = [{
    Runs after `dps-autodiff`. For each rung P of a train step's ladder,
    clones the f32 gradient kernel into `<step>_grad_<P>`:

    - its parameters are the rung's own copy (`param_copy`, element type P;
      f8 copies are scaled per tensor and come with their scales), its input
      batch is at P (the sample store holds each subset at its precision);
    - every op computes at P (f8 rungs compute on bf16, with every
      contraction operand rounded to f8 under a per-tensor amax scale,
      saturating at the format's largest value), contractions accumulate in
      f32; losses and the accumulation into the f32 gradient accumulators
      stay f32, as does any op carrying `dps.precision = #dps.precision<f32>`;
    - f16 rungs scale the loss by a `loss_scale` argument and divide it out
      of the gradients (dynamic loss scaling); every rung below f32 reports
      a non-finite gradient in `overflow`; f8 rungs take the amax to scale
      each quantised tensor by (`amax.scaling`, from the runtime's history;
      0 scales by the current amax) and report the observed ones
      (`amax.observed`) for delayed scaling.

    `<step>_refresh_<P>` builds a rung's parameter copy from the f32 master
    weights. The f32 rung's kernel is `<step>_grad_f32`, reading the master
    weights directly.

    An f8 rung's copies hold its f8 weights decoded (`decode-f8-copies`, the
    default): bf16 tensors of the f8 values times their inverse scales (the
    rounding the gradient kernel would otherwise apply to every weight on
    every call), written by the refresh kernel, which returns no scales; the
    weights are f8 values all the same, and the gradient kernel multiplies
    them as they are (f8 rungs compute on bf16 dot products). With
    `decode-f8-copies=false` the copies are f8 with their inverse scales
    next to them, decoded in the gradient kernel (for a target whose
    contractions would take f8 operands).

    With `vnni-copies` (the CPU pipelines' ABI) a rung's bf16 copy of a
    dense layer's K x N weight matrix (K even, N a multiple of 16) is held
    VNNI-packed, K/2 x N x 2 (`dps.pack_vnni`; the manifest's layout
    "vnni"): the refresh interleaves its pairs of rows once per optimizer
    step, and the gradient kernel reads it through `dps.unpack_vnni`, which
    dps-vectorize-contractions turns into reading the packed copy in place
    in the forward product's vdpbf16ps tiles.
  }];
  let options = [
    Option<"decodeF8Copies", "decode-f8-copies", "bool", /*default=*/"true",
           "f8 rungs hold their parameter copies decoded to bf16 (the f8 "
           "values times their inverse scales), decoded once per refresh">,
    Option<"vnniCopies", "vnni-copies", "bool", /*default=*/"false",
           "hold bf16 copies of dense weight matrices VNNI-packed "
           "(K/2 x N x 2), interleaved once per refresh">
  ];
  let dependentDialects = [
    "::mlir::dps::DPSDialect", "::mlir::tensor::TensorDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect"
  ];
}

def DPSPrecisionReport : Pass<"dps-precision-report", "::mlir::ModuleOp"> {
  let summary = "Report which ops of each kernel run at which precision";
  let description = [{
    For every kernel (after `dps-specialize-precision`), lists the dps ops by
    the precision they compute at and the precision conversions
    (`dps.cast`) with the ops that consume them, so a user can see what ran
    in low precision and where values changed precision. Changes nothing.

    ```
    kernel mlp_train_grad_bf16 (grad, bf16)
      bf16  dps.dense x3, dps.matmul x5, dps.relu x2, ...
      f32   dps.add x6, dps.softmax_cross_entropy x1, ...
      cast  bf16 -> f32 x7 (into dps.add x6, dps.softmax_cross_entropy x1)
    ```
  }];
  let options = [
    Option<"output", "output", "std::string", /*default=*/"\"-\"",
           "Where to write the report (- for standard output)">,
  ];
}

def DPSFinalizeKernels : Pass<"dps-finalize-kernels", "::mlir::ModuleOp"> {
  let summary = "Keep only the generated kernels and check that no dps op is left";
  let description = [{
    Runs once the dps ops are lowered, before bufferization. Parameters
    whose `dps.param` is their value (an imported model's initializers)
    become public constant `memref.global`s named `<train step>_init_<k>`
    (the k-th parameter), which the manifest names and the runtime copies
    its master weights from. Then erases the `dps.train_step` declarations
    and the functions that are neither kernels (`dps.kernel`) nor used by
    one (the forward functions), and checks the backend contract: an op of
    the dps dialect still present is an error naming it.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def DPSOrderGlobals : Pass<"dps-order-globals", "::mlir::ModuleOp"> {
  let summary = "Put a module's memref.globals first, ordered by name";
  let description = [{
    One-shot bufferization creates a memref.global for each tensor constant
    it meets. It visits functions in an order that varies from run to run
    (pointer-keyed maps), and so the globals came out in varying order. The
    lowered IR and the compiled objects were then not the same bytes twice.
    This pass moves every memref.global to the start of the module, sorted
    by symbol name. Nothing else moves, and no names change.
  }];
}

def DPSKernelBufferABI : Pass<"dps-kernel-buffer-abi", "::mlir::ModuleOp"> {
  let summary = "Give bufferized kernels the runtime's calling convention";
  let description = [{
    Runs after one-shot bufferization. A kernel returns, on tensors, the
    updated values of its output arguments (gradient accumulators, losses,
    weights); once bufferized each of those results must be the argument's
    own buffer, written in place. This pass checks that and drops the
    results, so kernels return nothing and write into the buffers the runtime
    passes. A result that bufferization could not place in its argument is an
    error. Kernels also get `llvm.emit_c_interface` (called through memref
    descriptors, `_mlir_ciface_<name>`) and lose their `dps.*` attributes,
    which describe the tensor-level ABI that the manifest records. With
    `stream-master-weights`, `param` arguments (the master weights, which
    only an update writes) keep one: `dps.stream`, for
    dps-vectorize-elementwise to write them with non-temporal stores.
  }];
  let options = [
    Option<"emitCInterface", "emit-c-interface", "bool", /*default=*/"true",
           "Give every kernel a C interface (_mlir_ciface_<name>)">,
    Option<"streamMasterWeights", "stream-master-weights", "bool",
           /*default=*/"false",
           "Mark the master weights dps.stream (for dps-vectorize-elementwise)">,
  ];
}

def DPSLowerStridedCopies : Pass<"dps-lower-strided-copies", "::mlir::func::FuncOp"> {
  let summary = "Turn memref copies between non-contiguous views into loops";
  let description = [{
    Bufferization copies into and out of strided subviews (an inserted
    slice, a window of col2im). `finalize-memref-to-llvm` would lower those to
    calls of `memrefCopy` from MLIR's C runner library, which neither the JIT
    nor an AOT-compiled model links. Where both sides have rows (innermost
    dimension) of a static length with unit stride, such as an input batch
    copied into a K-padded contraction operand, the copy becomes loops over
    the rows, each row a `memref.copy` of contiguous views (an
    `llvm.memcpy`); otherwise a `linalg.copy` (element loops in the kernel
    itself). Copies between contiguous buffers stay (they become
    `llvm.memcpy`).

    A 2-D `linalg.transpose` of 16- or 32-bit elements whose source and
    target rows are contiguous (a contraction operand read transposed,
    which dps-vectorize-contractions transposes once per call) becomes
    `transpose-block` x `transpose-block` blocks loaded as rows, transposed
    in registers and stored as rows; the edges past the whole blocks are
    copied element by element. Element loops would move one element per
    load and store. Blocks of 16 (AVX-512) are one shuffle each (vpermt2d);
    blocks of 8 (AVX2: 32-bit elements only, 16-bit ones keep 16) are 24
    two-source shuffles of 8 x f32 (unpacks, in-lane shuffles, lane
    permutes), as AVX2 transposes: a 16 x 16 shuffle split into 256-bit
    halves by the backend moved ~1 GB/s on a Zen 3.
  }];
  let options = [
    Option<"transposeBlock", "transpose-block", "int64_t", /*default=*/"16",
           "Side of the register blocks transposes move in: 16 or 8 (8 x 8 "
           "f32 blocks for AVX2)">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect"];
}

def DPSVectorizeContractions : Pass<"dps-vectorize-contractions"> {
  let summary = "Tile the contractions for registers and vectorize them";
  let description = [{
    Runs on tensors, before bufferization. Each linalg op tagged
    `dps.contraction` (C[m, n] += A[m, k] * B[k, n], operands at any
    precision and extended to f32) is tiled into `tile-rows` x `tile-cols`
    register blocks; the loops are peeled so full tiles have static shapes
    (rows left over from the dynamic batch dimension run as single-row
    tiles); each block becomes a loop over k of vector contractions whose
    accumulator is hoisted out of the loop. A right operand read transposed
    (`B[n, k]`) is transposed once per call first. Later, `vector.contract`
    lowers to outer products: broadcasts of A times rows of B, as FMAs.

    A contraction tagged `dps.row_period = P` (a convolution reading its
    windows from the padded image through A's map) has row tiles of the
    largest divisor of P up to 14 (FMA, 32-column tiles), 7 (FMA, narrower
    tiles: AVX2's 16 ymm registers) or 8 (vdpbf16ps), so that a tile's
    rows of A are consecutive pixels; its k steps read them at the tap and
    channel the map gives. It takes neither the AMX path nor a split of the
    leftover rows (there are none: P divides the rows).

    With `bf16-dot`, bf16 contractions whose column count is a multiple of
    16 instead run as loops over pairs of k of `x86vector.avx512.dot`
    (`vdpbf16ps`, twice the multiply-adds of an f32 FMA per instruction):
    A is untransposed and k padded to even, B's two rows interleaved into
    (k, k+1) pairs in registers, A's pair broadcast.

    With `amx`, bf16 contractions whose column count is a multiple of 16
    take the AMX path instead (docs/amx.md): A as [m, k] (a transposed A
    through a copy tagged `dps.amx_transpose`), k padded with zeros to a
    multiple of 32 where it is not one (a copy into a slice and a fill of
    the tail), B packed in pairs of rows of k (VNNI, straight from B or
    B^T; a copy tagged `dps.vnni_pack`), and the contraction over the
    packed operands tagged `dps.amx`, all for `dps-lower-amx` after
    bufferization. Every tagged op is plain linalg: untouched, it computes
    the same values in loops.
  }];
  let options = [
    Option<"tileRows", "tile-rows", "int64_t", /*default=*/"8",
           "Rows of C per register tile">,
    Option<"tileCols", "tile-cols", "int64_t", /*default=*/"32",
           "Columns of C per register tile (a multiple of the vector width)">,
    Option<"bf16Dot", "bf16-dot", "bool", /*default=*/"false",
           "bf16 contractions with 16-column multiples use AVX512-BF16 "
           "vdpbf16ps (x86vector.avx512.dot) on pairs of k; the target "
           "must have avx512bf16">,
    Option<"amx", "amx", "bool", /*default=*/"false",
           "bf16 contractions with 16-column multiples take the AMX path "
           "(packed operands tagged for dps-lower-amx); the target must "
           "have amx-bf16">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::vector::VectorDialect",
    "::mlir::x86vector::X86VectorDialect",
  ];
}

def DPSFoldMaterializations : Pass<"dps-fold-materializations"> {
  let summary = "Drop writes of outputs already computed in their buffers";
  let description = [{
    Runs on tensors, after empty-tensor elimination. A
    `bufferization.materialize_in_destination %value in %arg` whose %value is
    computed in %arg already (its chain of destination operands and loop
    inits starts at %arg: a gradient summed into its zero-filled output
    buffer, a rounding written into it) is replaced by %value. One-shot
    bufferization would otherwise see a write of %arg while %value is live
    and copy; dps-kernel-buffer-abi checks the outcome.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect"];
}

def DPSFuseElementwise : Pass<"dps-fuse-elementwise"> {
  let summary = "Fuse chains of elementwise linalg ops into one pass";
  let description = [{
    Runs on linalg and tensors. An elementwise linalg.generic whose result is
    used once, by another elementwise generic reading it through a
    permutation, is fused into it (upstream's producer-consumer fusion): a
    weight gradient rounded to the rung's type, widened and added into its
    accumulator becomes one pass instead of three, with no temporaries.
    Contractions and reductions are neither fused nor fused into (their
    lowerings need them whole), and nothing is computed twice. Ops carrying
    discardable attributes (dps tags) are left alone.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def DPSLowerAMX : Pass<"dps-lower-amx"> {
  let summary = "AMX tile loops for the contractions prepared for AMX";
  let description = [{
    Runs on buffers, after bufferization (AMX tiles load from and store to
    memory). Each linalg.generic tagged `dps.amx` by
    `dps-vectorize-contractions` (C[m, n] += A[m, k2, v] * B[k2, n, v] in
    bf16 with f32 sums; 2 k2 a multiple of 32, n of 16) becomes loops over
    32 x 32 blocks of C: per block, 2 x 2 f32 tiles stay in tile registers
    across a loop over k in steps of 32 that loads two 16 x 32 tiles of A
    and two of the packed B and issues four `amx.tile_mulf` (tdpbf16ps);
    16-column and 16-row blocks at the edges, and rows left over (fewer
    than 16) through zero-padded 16-row copies of A and C. With more rows
    than columns the loop over pairs of row bands is marked `dps.parallel`;
    otherwise column blocks run down the bands on one thread. Where such a
    C (rows a multiple of 16) is a zero-filled buffer of the kernel's own
    read only by the elementwise op right after the contraction (a weight
    gradient rounded into its set), that op runs on each block as its tiles
    are stored, from a [rows, 32] f32 scratch whose rows each band owns, and
    C goes. Each
    `dps.vnni_pack` copy becomes a loop over pairs of rows that interleaves
    16-element slices of the two rows (on i16), or, from B^T, 16 x 16 blocks
    of i32 pairs transposed in registers; each `dps.amx_transpose` copy
    16 x 16 blocks of i16 transposed in registers (each transpose one
    `vector.shuffle`), edges element by element. Ops whose buffers are not
    contiguous in their last dimension stay as they are (correct, scalar).
  }];
  let dependentDialects = [
    "::mlir::amx::AMXDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def DPSVectorizeElementwise : Pass<"dps-vectorize-elementwise"> {
  let summary = "Vectorize the elementwise and reduction linalg ops";
  let description = [{
    Runs on buffers, after bufferization (on tensors, tiling an op that
    updates its operand in place would make bufferization copy it). Each
    linalg.generic but the contractions (activations and their gradients,
    the rungs' rounding, bias broadcasts, optimizer updates, and reductions:
    bias gradients, amax, the loss's row maxima and sums) is tiled to single
    elements in all but its innermost dimension and to `width` elements
    there; full tiles (and a static last partial one, peeled off) become
    vector code, reductions `vector.multi_reduction`s into the output slice.
    A reduction of whole buffers into one value (an amax, an overflow
    check) with an idempotent combiner (max, min, and, or) and an innermost
    dimension that `width` divides first becomes a lane-wise reduction into
    `width` lanes (a stack buffer starting as the output's value), then one
    reduction of the lanes: the slices combine elementwise in a register,
    not through a tree of shuffles each. Ops that cannot be vectorized (a
    gather with `tensor.extract`) stay scalar loops. Writes of whole cache
    lines of an argument marked `dps.stream` (an update's master weights,
    see dps-kernel-buffer-abi) become non-temporal `vector.store`s, taken
    where the buffer is 64-byte aligned (tested once per call; plain
    stores otherwise), and the arguments lose the attribute.
  }];
  let options = [
    Option<"width", "width", "int64_t", /*default=*/"64",
           "Elements per vector slice of the innermost dimension">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
  ];
}

def DPSParallelizeTiles : Pass<"dps-parallelize-tiles"> {
  let summary = "Turn the tile loops marked dps.parallel into scf.parallel";
  let description = [{
    Runs on buffers. `dps-vectorize-contractions` marks each contraction's
    loop over row tiles `dps.parallel` (its iterations write disjoint rows
    of the result). Once its pass-through buffers are folded away, such a
    loop becomes an `scf.parallel` with the same bounds, which
    `convert-scf-to-openmp` work-shares across threads. Marked loops that
    still carry values, or sit inside another parallel loop, stay serial.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def DPSExpandBF16Casts : Pass<"dps-expand-bf16-casts", "::mlir::ModuleOp"> {
  let summary = "bf16 as integer code, for CPUs without AVX512-BF16";
  let description = [{
    Runs late, on loops and vectors, before the conversion to LLVM. Without
    AVX512-BF16 (AVX2 CPUs such as AMD Zen 3), LLVM lowers an `fptrunc` from
    f32 to bf16 to a call of `__truncsfbf2`, a compiler-rt builtin that
    neither the JIT nor an AOT-compiled model links, and a vector of them to
    one call per element; arithmetic on bf16 (a ReLU's maximum, an exp) it
    computes in f32 and truncates the same way. This pass
    - rewrites arith and math ops on bf16 as f32 ops between casts
      (upstream's unsupported-float emulation and math type extension);
    - rewrites every `arith.truncf` f32 -> bf16 (round to nearest even, NaN
      to a quiet NaN, as the sample store rounds) and `arith.extf` bf16 ->
      f32 (a shift) as integer ops, which vectorize on any CPU;
    - defines `__truncsfbf2` in the module (`weak_odr`, the same integer
      code) for the truncations the backend itself still introduces when
      it legalizes a select or shuffle of bf16 values.
    Where the CPU has AVX512-BF16 the pipeline leaves the casts to
    `vcvtneps2bf16`, which also flushes subnormal results to zero.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect",
  ];
}

#endif // DPS_DIALECT_DPS_TRANSFORMS_PASSES_TD
