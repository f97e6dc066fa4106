//===- GradientKernel.cpp - <step>_grad by reverse-mode AD -----------------===//
//
// The forward pass is cloned onto the valid rows, the loss applied, and the
// ops on the path from a parameter to the loss are visited in reverse order,
// each contributing its vector-Jacobian product (DifferentiableOpInterface).
//
//===----------------------------------------------------------------------===//
#include "KernelBuilders.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::dps;
using namespace mlir::dps::detail;

namespace {

/// Collects the ops a builder creates.
struct CreatedOps : public OpBuilder::Listener {
  void notifyOperationInserted(Operation *op,
                               OpBuilder::InsertPoint) override {
    ops.push_back(op);
  }
  SmallVector<Operation *> ops;
};

/// Reverse-mode accumulation of adjoints over a tape of ops.
class ReverseSweep {
public:
  ReverseSweep(const DenseSet<Value> &active) : active(active) {}

  LogicalResult run(OpBuilder &b, ArrayRef<Operation *> tape, Value loss,
                    Value seed);
  Value adjoint(Value value) const { return adjoints.lookup(value); }

private:
  void add(OpBuilder &b, Value value, Value grad);

  const DenseSet<Value> &active;
  DenseMap<Value, Value> adjoints;
};

void ReverseSweep::add(OpBuilder &b, Value value, Value grad) {
  Value &slot = adjoints[value];
  slot = slot ? AddOp::create(b, grad.getLoc(), slot, grad) : grad;
}

LogicalResult ReverseSweep::run(OpBuilder &b, ArrayRef<Operation *> tape,
                                Value loss, Value seed) {
  adjoints[loss] = seed;
  for (Operation *op : llvm::reverse(tape)) {
    if (op->getNumResults() != 1)
      continue;
    Value grad = adjoints.lookup(op->getResult(0));
    if (!grad)
      continue;
    auto differentiable = dyn_cast<DifferentiableOpInterface>(op);
    if (!differentiable)
      return op->emitOpError()
             << "lies between a parameter and the loss but is not "
                "differentiable; write the model with dps layer ops";
    SmallVector<bool> wanted = llvm::map_to_vector(
        op->getOperands(), [&](Value v) { return active.contains(v); });
    SmallVector<Value> operandGrads(op->getNumOperands());
    CreatedOps created;
    b.setListener(&created);
    LogicalResult built = differentiable.buildVJP(b, grad, wanted, operandGrads);
    b.setListener(nullptr);
    if (failed(built))
      return failure();
    // An op pinned to a precision keeps its backward pass there too.
    if (Attribute pin = op->getAttr(DPSDialect::kPrecisionAttrName))
      for (Operation *backward : created.ops)
        backward->setAttr(DPSDialect::kPrecisionAttrName, pin);
    for (auto [operand, operandGrad, isWanted] :
         llvm::zip(op->getOperands(), operandGrads, wanted)) {
      if (isWanted && !operandGrad)
        return op->emitOpError() << "gave no gradient for an operand that "
                                    "depends on a parameter";
      if (operandGrad)
        add(b, operand, operandGrad);
    }
  }
  return success();
}

} // namespace

// (params..., input, labels, rows, grad_accs..., losses)
//     -> (losses, grad_accs...)
// Each accumulator is overwritten with the gradient of the summed loss over
// the valid rows.
LogicalResult mlir::dps::detail::buildGradientKernel(TrainStepOp step) {
  Location loc = step.getLoc();
  Type f32 = step.getAccumulate();
  SmallVector<KernelArgSpec> args = parameterArgs(step, ArgRole::param);
  size_t numParams = args.size();
  args.push_back({inputBufferType(step), ArgRole::input});
  args.push_back({labelBufferType(step), ArgRole::label});
  args.push_back({IndexType::get(step.getContext()), ArgRole::rows});
  for (KernelArgSpec accumulator : parameterArgs(step, ArgRole::grad_acc))
    args.push_back(accumulator);
  RankedTensorType lossesType = perSampleType(step, f32);
  args.push_back({lossesType, ArgRole::losses});
  SmallVector<Type> results = {lossesType};
  for (size_t i = 0; i < numParams; ++i)
    results.push_back(args[i].type);

  FailureOr<func::FuncOp> kernel =
      createKernel(step, "grad", KernelKind::grad, f32, args, results);
  if (failed(kernel))
    return failure();
  OpBuilder b = OpBuilder::atBlockBegin(&kernel->getBody().front());
  ValueRange values = kernel->getArguments();
  ValueRange params = values.take_front(numParams);
  Value input = values[numParams], labels = values[numParams + 1],
        rows = values[numParams + 2];
  ValueRange accumulators = values.slice(numParams + 3, numParams);
  Value lossesOut = values.back();

  SmallVector<Operation *> tape;
  Value logits = cloneForward(b, step.getForwardFunc(),
                              leadingRows(b, loc, input, rows), params, tape);
  DenseSet<Value> active(params.begin(), params.end());
  for (Operation *op : tape)
    if (llvm::any_of(op->getOperands(),
                     [&](Value v) { return active.contains(v); }))
      active.insert(op->result_begin(), op->result_end());
  Operation *lossOp =
      buildLoss(b, step, logits, leadingRows(b, loc, labels, rows));
  tape.push_back(lossOp);
  Value loss = lossOp->getResult(0);
  active.insert(loss);

  // d(sum of losses)/d(loss) = 1 per valid row.
  Value seed = filled(
      b, loc, tensor::EmptyOp::create(b, loc, ArrayRef<OpFoldResult>{rows}, f32),
      1.0);
  ReverseSweep sweep(active);
  if (failed(sweep.run(b, tape, loss, seed))) {
    kernel->erase();
    return failure();
  }

  SmallVector<Value> returned = {
      writeLeadingRows(b, loc, loss, lossesOut, rows)};
  for (auto [param, accumulator] : llvm::zip(params, accumulators)) {
    Value grad = sweep.adjoint(param);
    returned.push_back(writeInto(b, loc,
                                 grad ? grad : filled(b, loc, accumulator, 0.0),
                                 accumulator));
  }
  func::ReturnOp::create(b, loc, returned);
  return success();
}
