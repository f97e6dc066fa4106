//===- KernelBuilders.h - building the kernels of a train step --*- C++ -*-===//
//
// Internal to dps-autodiff: the gradient, update and eval kernels it derives
// from a dps.train_step, and the pieces they share.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_LIB_DIALECT_DPS_TRANSFORMS_KERNELBUILDERS_H
#define DPS_LIB_DIALECT_DPS_TRANSFORMS_KERNELBUILDERS_H

#include "dps/Dialect/DPS/IR/DPSOps.h"

#include "mlir/IR/IRMapping.h"

namespace mlir::dps::detail {

/// One argument of a kernel: its type, role and, for parameters, the
/// initialiser the forward function gave it.
struct KernelArgSpec {
  Type type;
  ArgRole role;
  Attribute paramInit = {};
  /// The buffer's layout where it is not row-major (`dps.layout`).
  StringRef layout = {};
};

/// Creates `<step>_<suffix>` after `step`, with an entry block, the arguments'
/// roles and the kernel attributes; fails if the symbol exists.
FailureOr<func::FuncOp> createKernel(TrainStepOp step, StringRef suffix,
                                     KernelKind kind, Type precision,
                                     ArrayRef<KernelArgSpec> args,
                                     TypeRange results);

/// The parameters of the step's forward function, as kernel arguments.
SmallVector<KernelArgSpec> parameterArgs(TrainStepOp step, ArgRole role);

/// Batch-capacity types of the step's input, labels and per-sample vectors.
RankedTensorType inputBufferType(TrainStepOp step);
RankedTensorType labelBufferType(TrainStepOp step);
RankedTensorType perSampleType(TrainStepOp step, Type elementType);

/// The first `rows` rows of a batch-capacity tensor.
Value leadingRows(OpBuilder &b, Location loc, Value buffer, Value rows);
/// `init` filled with `value`.
Value filled(OpBuilder &b, Location loc, Value init, double value);
/// `value` written into the argument buffer `destination` (a kernel output:
/// the producer of `value` computes straight into it once empty tensors are
/// eliminated, else bufferization copies).
Value writeInto(OpBuilder &b, Location loc, Value value, Value destination);

/// The element type of a rung's gradient set (what its gradient kernel
/// writes and the update reads): the type the rung computes its gradients
/// at, which holds them exactly (bf16 for f8 rungs), or f32 for the f32 rung
/// and for a loss-scaled rung (f16), whose gradients are unscaled in f32.
Type gradientSetElementType(Type rung);

/// `whole` with its first `rows` rows replaced by `part` and the rest zero.
Value writeLeadingRows(OpBuilder &b, Location loc, Value part, Value whole,
                       Value rows);

/// Clones the forward function's body onto `inputRows` and `params`; returns
/// the logits. `tape` receives the cloned ops in order.
Value cloneForward(OpBuilder &b, func::FuncOp forward, Value inputRows,
                   ValueRange params, SmallVectorImpl<Operation *> &tape);

/// The step's loss of `logits` against `labels`.
Operation *buildLoss(OpBuilder &b, TrainStepOp step, Value logits,
                     Value labels);

LogicalResult buildGradientKernel(TrainStepOp step);
/// `<step>_update`, reading every rung's gradient set; with `variants`
/// `<step>_update_from_<rung>` for each lower rung, reading the sets of that
/// rung and those below it; with `lanes` > 1 `<step>_update_lanes_<top>`,
/// reading `lanes` sets of the ladder's top rung.
LogicalResult buildUpdateKernels(TrainStepOp step, bool variants,
                                 unsigned lanes);
LogicalResult buildEvalKernel(TrainStepOp step);

} // namespace mlir::dps::detail

#endif // DPS_LIB_DIALECT_DPS_TRANSFORMS_KERNELBUILDERS_H
