//===- UpdateKernel.cpp - <step>_update: the optimizer step ----------------===//
#include "KernelBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::dps;
using namespace mlir::dps::detail;

/// The elementwise f32 sum of `sets` (same-shaped tensors, f32 or narrower),
/// left to right, after `+0.0` when `fromZero`: one generic into a fresh
/// tensor, which dps-fuse-elementwise folds into the optimizer step that
/// reads it.
static Value sumOf(OpBuilder &b, Location loc, ValueRange sets, bool fromZero) {
  auto type = cast<RankedTensorType>(sets.front().getType());
  Type f32 = b.getF32Type();
  if (sets.size() == 1 && type.getElementType() == f32 && !fromZero)
    return sets.front();
  auto sumType = RankedTensorType::get(type.getShape(), f32);
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(), f32);
  SmallVector<AffineMap> maps(sets.size() + 1,
                              b.getMultiDimIdentityMap(type.getRank()));
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, sumType, sets, init, maps, iterators,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value sum;
               if (fromZero)
                 sum = arith::ConstantOp::create(nb, nloc,
                                                 nb.getF32FloatAttr(0.0f));
               for (Value term : args.drop_back()) {
                 if (term.getType() != f32)
                   term = arith::ExtFOp::create(nb, nloc, f32, term);
                 sum = sum ? arith::AddFOp::create(nb, nloc, sum, term)
                                 .getResult()
                           : term;
               }
               linalg::YieldOp::create(nb, nloc, sum);
             })
      .getResult(0);
}

// (params..., opt_state..., grad_accs of set 0..., grad_accs of set 1...,
//  rows, step, total_steps) -> (params..., opt_state...)
// The optimizer state of parameter i is its `k` consecutive tensors. Each rung
// of the ladder has its own set of gradients, which its gradient kernel
// overwrites (so the rungs of a step can run at the same time) at the rung's
// gradient type; the step's gradient is the f32 sum of the sets the kernel
// reads, in order, over `rows` samples. The sets are only read: a rung absent
// from a step must have a zero set (the runtime clears it).
//
// `sets` names each set's rung (dps.rungs lists them):
// - the whole ladder, or the rungs from some rung down: a kernel reading
//   only those starts its sum at +0.0 (`fromZero`), which is what the whole
//   ladder's kernel computes when the sets above are zero: the two agree
//   bitwise, so the runtime may call it for a step without those rungs and
//   skip reading their sets;
// - one rung `lanes` times: the sets of a step whose only rung computed its
//   samples in `lanes` calls at once, each into a set of its own (lane k > 0:
//   `grad.<rung>.lane<k>.*` in the manifest).
static LogicalResult buildUpdateKernel(TrainStepOp step, StringRef name,
                                       ArrayRef<Type> sets, bool fromZero) {
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
  for (Type rung : sets)
    for (const KernelArgSpec &param : params)
      args.push_back({RankedTensorType::get(
                          cast<RankedTensorType>(param.type).getShape(),
                          gradientSetElementType(rung)),
                      ArgRole::grad_acc});
  Type i64 = IntegerType::get(ctx, 64);
  args.push_back({IndexType::get(ctx), ArgRole::rows});
  args.push_back({i64, ArgRole::step});
  args.push_back({i64, ArgRole::total_steps});
  SmallVector<Type> results = llvm::map_to_vector(
      ArrayRef(args).take_front(numParams * (1 + statePerParam)),
      [](const KernelArgSpec &a) { return a.type; });

  FailureOr<func::FuncOp> kernel = createKernel(
      step, name, KernelKind::update, step.getAccumulate(), args, results);
  if (failed(kernel))
    return failure();
  (*kernel)->setAttr(DPSDialect::kRungsAttrName,
                     Builder(ctx).getTypeArrayAttr(sets));
  OpBuilder b = OpBuilder::atBlockBegin(&kernel->getBody().front());
  ValueRange values = kernel->getArguments();
  ValueRange weights = values.take_front(numParams);
  ValueRange states = values.slice(numParams, numParams * statePerParam);
  ValueRange setValues =
      values.slice(numParams * (1 + statePerParam), numParams * sets.size());
  Value rows = values[values.size() - 3], stepIndex = values[values.size() - 2],
        totalSteps = values.back();

  // The sets hold the gradient of a sum over `rows` samples; the optimizer
  // wants the mean's.
  Type f32 = b.getF32Type();
  Value count = arith::UIToFPOp::create(
      b, loc, f32, arith::IndexCastUIOp::create(b, loc, i64, rows));
  Value one = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1.0f));
  Value scale = arith::DivFOp::create(
      b, loc, one, arith::MaximumFOp::create(b, loc, count, one));
  Value lr = LearningRateOp::create(
      b, loc, stepIndex, totalSteps, step.getSchedule(),
      b.getF64FloatAttr(optimizer.getLearningRate()));

  SmallVector<Value> newWeights, newStates;
  for (size_t i = 0; i < numParams; ++i) {
    ValueRange state = states.slice(i * statePerParam, statePerParam);
    SmallVector<Value> terms;
    for (size_t set = 0; set < sets.size(); ++set)
      terms.push_back(setValues[set * numParams + i]);
    auto update = OptimizerStepOp::create(b, loc, weights[i],
                                          sumOf(b, loc, terms, fromZero), state,
                                          lr, stepIndex, scale, optimizer);
    newWeights.push_back(update.getNewParam());
    llvm::append_range(newStates, update.getNewState());
  }
  SmallVector<Value> returned(newWeights);
  llvm::append_range(returned, newStates);
  func::ReturnOp::create(b, loc, returned);
  return success();
}

LogicalResult mlir::dps::detail::buildUpdateKernels(TrainStepOp step,
                                                    bool variants,
                                                    unsigned lanes) {
  ArrayRef<Type> ladder = step.getLadder().getRungs();
  // Created after the step, each before the last: the whole ladder's first.
  // Only the top rung runs alone in the steps of a default schedule (a
  // one-rung ladder, rollback epochs); each update kernel adds ~5% to the
  // MLP's compile time.
  if (lanes > 1 &&
      failed(buildUpdateKernel(step, "update_lanes_" + typeName(ladder[0]),
                               SmallVector<Type>(lanes, ladder[0]),
                               /*fromZero=*/false)))
    return failure();
  size_t count = variants ? ladder.size() : 1;
  for (size_t first = count; first-- > 0;)
    if (failed(buildUpdateKernel(
            step, first ? "update_from_" + typeName(ladder[first]) : "update",
            ladder.drop_front(first), /*fromZero=*/first > 0)))
      return failure();
  return success();
}
