//===- DPSAttrs.td - dps attributes ------------------------*- tablegen -*-===//
#ifndef DPS_DIALECT_DPS_IR_DPSATTRS_TD
#define DPS_DIALECT_DPS_IR_DPSATTRS_TD

include "dps/Dialect/DPS/IR/DPSBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

class DPS_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<DPS_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

/// A double-precision hyper-parameter, printed so that it round-trips exactly.
class DPS_F64Parameter<string desc, string default = "">
    : AttrOrTypeParameter<"::mlir::dps::F64", desc> {
  let parser = [{ [&]() -> ::mlir::FailureOr<::mlir::dps::F64> {
    double value;
    if ($_parser.parseFloat(value))
      return ::mlir::failure();
    return ::mlir::dps::F64(value);
  }() }];
  let printer = "$_printer.printFloat(::llvm::APFloat($_self))";
  let comparator = "::llvm::bit_cast<uint64_t>(double($_lhs)) == "
                   "::llvm::bit_cast<uint64_t>(double($_rhs))";
  let defaultValue = default;
}

//===----------------------------------------------------------------------===//
// Precisions and ladders
//===----------------------------------------------------------------------===//

def DPS_PrecisionAttr : DPS_Attr<"Precision", "precision"> {
  let summary = "An element type used as a training precision";
  let description = [{
    One of the element types dps computes in, ordered by significand bits:
    `f32` (23) > `f16` (10) > `bf16` (7) > `f8E4M3FN` (3) > `f8E5M2` (2).

    ```mlir
    #dps.precision<bf16>
    ```
  }];
  let parameters = (ins "::mlir::Type":$elementType);
  let assemblyFormat = "`<` $elementType `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Position in the total order of precisions: higher is more precise.
    unsigned getRank() const;
    unsigned getBitWidth() const;
    /// Largest finite value of the format (448 for f8E4M3FN).
    double getMaxFinite() const;
  }];
}

def DPS_LadderAttr : DPS_Attr<"Ladder", "ladder"> {
  let summary = "An ordered list of strictly decreasing precisions";
  let description = [{
    The precisions subsets of samples are assigned to: the first rung is the
    maximum precision (used for high-loss subsets and for rollback epochs),
    each following rung strictly less precise than the one before.

    ```mlir
    #dps.ladder<[f32, bf16, f8E4M3FN]>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"::mlir::Type", "rungs">:$rungs);
  // Custom so that an empty ladder parses and gets the verifier's message.
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    ::mlir::Type getMaxPrecision() const { return getRungs().front(); }
    size_t size() const { return getRungs().size(); }
    /// Index of `type` among the rungs, or -1 if it is not a rung.
    int64_t indexOf(::mlir::Type type) const;
  }];
}

//===----------------------------------------------------------------------===//
// Enumerations
//===----------------------------------------------------------------------===//

def DPS_InitKind : I32EnumAttr<"InitKind", "parameter initialiser", [
    I32EnumAttrCase<"zeros", 0>, I32EnumAttrCase<"ones", 1>,
    I32EnumAttrCase<"he_normal", 2>, I32EnumAttrCase<"he_uniform", 3>,
    I32EnumAttrCase<"glorot_normal", 4>, I32EnumAttrCase<"glorot_uniform", 5>]> {
  let cppNamespace = "::mlir::dps";
  let genSpecializedAttr = 0;
}
def DPS_InitAttr : EnumAttr<DPS_Dialect, DPS_InitKind, "init"> {
  let summary = "How a parameter is initialised";
  let description = [{
    `zeros`, `ones`, `he_normal`/`he_uniform` (fan-in scaled, for ReLU
    networks) or `glorot_normal`/`glorot_uniform` (fan-in + fan-out). The
    fan-in of a dense weight `KxM` is K; of a conv filter `KHxKWxCxF`,
    KH*KW*C.

    ```mlir
    %w: tensor<784x256xf32> {dps.param = #dps.init<he_normal>}
    ```
  }];
  let assemblyFormat = "`<` $value `>`";
}

def DPS_LossKind : I32EnumAttr<"LossKind", "training loss", [
    I32EnumAttrCase<"softmax_cross_entropy", 0>, I32EnumAttrCase<"mse", 1>]> {
  let cppNamespace = "::mlir::dps";
  let genSpecializedAttr = 0;
}
def DPS_LossAttr : EnumAttr<DPS_Dialect, DPS_LossKind, "loss"> {
  let summary = "The loss a training step minimises";
  let description = [{
    `softmax_cross_entropy` (logits and integer class labels) or `mse` (mean
    over classes of the squared difference to float targets), per sample.
  }];
  let assemblyFormat = "`<` $value `>`";
}

def DPS_RoundingMode : I32EnumAttr<"RoundingMode", "rounding of a cast", [
    I32EnumAttrCase<"nearest_even", 0>, I32EnumAttrCase<"stochastic", 1>]> {
  let cppNamespace = "::mlir::dps";
  let genSpecializedAttr = 0;
}
def DPS_RoundingModeAttr : EnumAttr<DPS_Dialect, DPS_RoundingMode, "rounding"> {
  let summary = "Rounding of a precision conversion";
}

def DPS_LRScheduleKind : I32EnumAttr<"LRScheduleKind", "learning-rate schedule", [
    I32EnumAttrCase<"constant", 0>, I32EnumAttrCase<"step", 1>,
    I32EnumAttrCase<"cosine", 2>]> {
  let cppNamespace = "::mlir::dps";
}

def DPS_ArgRole : I32EnumAttr<"ArgRole", "role of a kernel argument", [
    I32EnumAttrCase<"param", 0>, I32EnumAttrCase<"param_copy", 1>,
    I32EnumAttrCase<"grad_acc", 2>, I32EnumAttrCase<"opt_state", 3>,
    I32EnumAttrCase<"input", 4>, I32EnumAttrCase<"label", 5>,
    I32EnumAttrCase<"rows", 6>, I32EnumAttrCase<"step", 7>,
    I32EnumAttrCase<"total_steps", 8>, I32EnumAttrCase<"loss_scale", 9>,
    I32EnumAttrCase<"overflow", 10>, I32EnumAttrCase<"amax", 11>,
    I32EnumAttrCase<"seed", 12>, I32EnumAttrCase<"losses", 13>,
    I32EnumAttrCase<"predictions", 14>]> {
  let cppNamespace = "::mlir::dps";
  let genSpecializedAttr = 0;
}
def DPS_ArgRoleAttr : EnumAttr<DPS_Dialect, DPS_ArgRole, "role"> {
  let summary = "What a kernel argument holds";
  let description = [{
    Set by `dps-autodiff` on the arguments of the functions it generates, as
    `dps.role`; the kernel manifest (the ABI between compiler and runtime)
    is read off these roles.
  }];
  let assemblyFormat = "`<` $value `>`";
}

def DPS_KernelKind : I32EnumAttr<"KernelKind", "kind of a generated kernel", [
    I32EnumAttrCase<"grad", 0>, I32EnumAttrCase<"update", 1>,
    I32EnumAttrCase<"refresh", 2>, I32EnumAttrCase<"eval", 3>,
    I32EnumAttrCase<"forward", 4>]> {
  let cppNamespace = "::mlir::dps";
  let genSpecializedAttr = 0;
}
def DPS_KernelKindAttr : EnumAttr<DPS_Dialect, DPS_KernelKind, "kernel"> {
  let summary = "What a generated function computes";
  let description = [{
    Set by `dps-autodiff` on the functions it generates, as `dps.kernel`,
    next to `dps.train_step` (the declaration they came from) and, on
    gradient kernels, `dps.precision`. `forward` marks a function compiled
    as it is, outside any train step (an imported ONNX graph's inference
    form): its inputs, then one buffer per result that it writes.
  }];
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Training hyper-parameters
//===----------------------------------------------------------------------===//

def DPS_LRScheduleAttr : DPS_Attr<"LRSchedule", "lr_schedule"> {
  let summary = "How the learning rate changes over the steps of a run";
  let description = [{
    The learning rate at step `s` of `S` total steps (both known only at run
    time, so they are arguments of the update function):
    - `constant`: `lr`;
    - `step`: `lr * gamma^floor(s / (period * S))`, `period` a fraction of the
      run in (0, 1], `gamma` in (0, 1];
    - `cosine`: `lr * (1 + cos(pi * s / S)) / 2`.

    ```mlir
    #dps.lr_schedule<cosine>
    #dps.lr_schedule<step, period = 0.3, gamma = 0.1>
    ```
  }];
  let parameters = (ins
    "::mlir::dps::LRScheduleKind":$kind,
    DPS_F64Parameter<"fraction of the run between decays", "0.0">:$period,
    DPS_F64Parameter<"decay factor", "0.1">:$gamma);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

def DPS_OptimizerAttrInterface : AttrInterface<"OptimizerAttrInterface"> {
  let cppNamespace = "::mlir::dps";
  let description = [{
    An optimizer of a `dps.train_step`: how the update function turns the
    accumulated f32 gradients into new master weights.
  }];
  let methods = [
    InterfaceMethod<"Base learning rate", "double", "getLearningRate">,
    InterfaceMethod<"Optimizer state tensors kept per parameter",
                    "unsigned", "getNumStateTensors">,
    InterfaceMethod<"Name of state tensor `index` (PyTorch's name for it)",
                    "::llvm::StringRef", "getStateName",
                    (ins "unsigned":$index)>,
  ];
}

def DPS_SGDAttr : DPS_Attr<"SGD", "sgd",
    [DeclareAttrInterfaceMethods<DPS_OptimizerAttrInterface>]> {
  let summary = "Stochastic gradient descent with momentum and weight decay";
  let description = [{
    PyTorch's `torch.optim.SGD`: `g += weight_decay * w; v = momentum * v + g;
    w -= lr * v` (no momentum state when `momentum` is 0).

    ```mlir
    #dps.sgd<lr = 0.05, momentum = 0.9>
    ```
  }];
  let parameters = (ins
    DPS_F64Parameter<"learning rate">:$lr,
    DPS_F64Parameter<"momentum in [0, 1)", "0.0">:$momentum,
    DPS_F64Parameter<"L2 weight decay", "0.0">:$weight_decay);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def DPS_AdamAttr : DPS_Attr<"Adam", "adam",
    [DeclareAttrInterfaceMethods<DPS_OptimizerAttrInterface>]> {
  let summary = "Adam with bias correction";
  let description = [{
    PyTorch's `torch.optim.Adam` (L2 `weight_decay` added to the gradient).

    ```mlir
    #dps.adam<lr = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1.0e-08>
    ```
  }];
  let parameters = (ins
    DPS_F64Parameter<"learning rate">:$lr,
    DPS_F64Parameter<"first-moment decay", "0.9">:$beta1,
    DPS_F64Parameter<"second-moment decay", "0.999">:$beta2,
    DPS_F64Parameter<"denominator term", "1.0e-8">:$epsilon,
    DPS_F64Parameter<"L2 weight decay", "0.0">:$weight_decay);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // DPS_DIALECT_DPS_IR_DPSATTRS_TD
