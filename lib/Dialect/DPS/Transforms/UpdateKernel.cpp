//===- UpdateKernel.cpp - <step>_update: the optimizer step ----------------===//
#include "KernelBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::dps;
using namespace mlir::dps::detail;

// (params..., opt_state..., grad_accs..., rows, step, total_steps)
//     -> (params..., opt_state..., grad_accs...)
// The optimizer state of parameter i is its `k` consecutive tensors; `rows` is
// the number of samples the accumulators sum over.
LogicalResult mlir::dps::detail::buildUpdateKernel(TrainStepOp step) {
  Location loc = step.getLoc();
  MLIRContext *ctx = step.getContext();
  OptimizerAttrInterface optimizer = step.getOptimizer();
  unsigned statePerParam = optimizer.getNumStateTensors();
  SmallVector<KernelArgSpec> params = parameterArgs(step, ArgRole::param);
  size_t numParams = params.size();

  SmallVector<KernelArgSpec> args(params);
  for (const KernelArgSpec &param : params)
    for (unsigned k = 0; k < statePerParam; ++k)
      args.push_back({param.type, ArgRole::opt_state});
  for (const KernelArgSpec &param : params)
    args.push_back({param.type, ArgRole::grad_acc});
  Type i64 = IntegerType::get(ctx, 64);
  args.push_back({IndexType::get(ctx), ArgRole::rows});
  args.push_back({i64, ArgRole::step});
  args.push_back({i64, ArgRole::total_steps});
  SmallVector<Type> results = llvm::map_to_vector(
      ArrayRef(args).drop_back(3), [](const KernelArgSpec &a) { return a.type; });

  FailureOr<func::FuncOp> kernel = createKernel(
      step, "update", KernelKind::update, step.getAccumulate(), args, results);
  if (failed(kernel))
    return failure();
  OpBuilder b = OpBuilder::atBlockBegin(&kernel->getBody().front());
  ValueRange values = kernel->getArguments();
  ValueRange weights = values.take_front(numParams);
  ValueRange states = values.slice(numParams, numParams * statePerParam);
  ValueRange accumulators =
      values.slice(numParams * (1 + statePerParam), numParams);
  Value rows = values[values.size() - 3], stepIndex = values[values.size() - 2],
        totalSteps = values.back();

  // The accumulators hold the gradient of a sum over `rows` samples; the
  // optimizer wants the mean's.
  Type f32 = b.getF32Type();
  Value count = arith::UIToFPOp::create(
      b, loc, f32, arith::IndexCastUIOp::create(b, loc, i64, rows));
  Value one = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1.0f));
  Value scale = arith::DivFOp::create(
      b, loc, one, arith::MaximumFOp::create(b, loc, count, one));
  Value lr = LearningRateOp::create(
      b, loc, stepIndex, totalSteps, step.getSchedule(),
      b.getF64FloatAttr(optimizer.getLearningRate()));

  SmallVector<Value> newWeights, newStates, cleared;
  for (size_t i = 0; i < numParams; ++i) {
    ValueRange state = states.slice(i * statePerParam, statePerParam);
    auto update = OptimizerStepOp::create(b, loc, weights[i], accumulators[i],
                                          state, lr, stepIndex, scale,
                                          optimizer);
    newWeights.push_back(update.getNewParam());
    llvm::append_range(newStates, update.getNewState());
    cleared.push_back(filled(b, loc, accumulators[i], 0.0));
  }
  SmallVector<Value> returned(newWeights);
  llvm::append_range(returned, newStates);
  llvm::append_range(returned, cleared);
  func::ReturnOp::create(b, loc, returned);
  return success();
}
