//===- EvalKernel.cpp - <step>_eval: losses and predictions ----------------===//
#include "KernelBuilders.h"

using namespace mlir;
using namespace mlir::dps;
using namespace mlir::dps::detail;

// (params..., input, labels, rows, losses, predictions) -> (losses, predictions)
LogicalResult mlir::dps::detail::buildEvalKernel(TrainStepOp step) {
  Location loc = step.getLoc();
  MLIRContext *ctx = step.getContext();
  Type f32 = step.getAccumulate();
  SmallVector<KernelArgSpec> args = parameterArgs(step, ArgRole::param);
  size_t numParams = args.size();
  RankedTensorType lossesType = perSampleType(step, f32);
  RankedTensorType predictionsType =
      perSampleType(step, IntegerType::get(ctx, 32));
  args.push_back({inputBufferType(step), ArgRole::input});
  args.push_back({labelBufferType(step), ArgRole::label});
  args.push_back({IndexType::get(ctx), ArgRole::rows});
  args.push_back({lossesType, ArgRole::losses});
  args.push_back({predictionsType, ArgRole::predictions});

  FailureOr<func::FuncOp> kernel =
      createKernel(step, "eval", KernelKind::eval, f32, args,
                   TypeRange{lossesType, predictionsType});
  if (failed(kernel))
    return failure();
  OpBuilder b = OpBuilder::atBlockBegin(&kernel->getBody().front());
  ValueRange values = kernel->getArguments();
  ValueRange params = values.take_front(numParams);
  Value input = values[numParams], labels = values[numParams + 1],
        rows = values[numParams + 2], lossesOut = values[numParams + 3],
        predictionsOut = values[numParams + 4];

  SmallVector<Operation *> tape;
  Value logits = cloneForward(b, step.getForwardFunc(),
                              leadingRows(b, loc, input, rows), params, tape);
  Value losses =
      buildLoss(b, step, logits, leadingRows(b, loc, labels, rows))
          ->getResult(0);
  Value predictions = ArgmaxOp::create(b, loc, logits);
  func::ReturnOp::create(
      b, loc,
      ValueRange{writeLeadingRows(b, loc, losses, lossesOut, rows),
                 writeLeadingRows(b, loc, predictions, predictionsOut, rows)});
  return success();
}
