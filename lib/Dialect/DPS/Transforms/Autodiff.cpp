//===- Autodiff.cpp - derive gradient kernels from dps.train_step ----------===//
//
// Reverse-mode differentiation of a forward function written with dps ops.
// The forward pass is cloned into the gradient kernel, the loss is applied,
// and the ops on the path from a parameter to the loss are visited in reverse
// order, each contributing its vector-Jacobian product.
//
//===----------------------------------------------------------------------===//
#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSAUTODIFF
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {

/// `shape` with its leading (batch) extent replaced by `batch`.
RankedTensorType withBatch(RankedTensorType type, int64_t batch) {
  SmallVector<int64_t> shape(type.getShape());
  shape.front() = batch;
  return RankedTensorType::get(shape, type.getElementType());
}

/// The first `rows` rows of `buffer` (a batch-capacity tensor).
Value leadingRows(OpBuilder &b, Location loc, Value buffer, Value rows) {
  auto type = cast<RankedTensorType>(buffer.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  SmallVector<OpFoldResult> sizes = {rows};
  for (int64_t dim : type.getShape().drop_front())
    sizes.push_back(b.getIndexAttr(dim));
  return tensor::ExtractSliceOp::create(b, loc, buffer, offsets, sizes,
                                        strides);
}

Value filled(OpBuilder &b, Location loc, Value init, double value) {
  auto type = cast<RankedTensorType>(init.getType());
  Value scalar = arith::ConstantOp::create(
      b, loc, b.getFloatAttr(type.getElementType(), value));
  return linalg::FillOp::create(b, loc, scalar, init).getResult(0);
}

/// Builds `<step>_grad` for one train step.
class GradientKernelBuilder {
public:
  GradientKernelBuilder(TrainStepOp step, func::FuncOp forward)
      : step(step), forward(forward), loc(step.getLoc()) {}

  LogicalResult build();

private:
  /// Reverse pass over `ops` from `loss`; fills `adjoints`.
  LogicalResult backward(OpBuilder &b, ArrayRef<Operation *> ops, Value loss,
                         Value lossSeed, const DenseSet<Value> &active);
  void addAdjoint(OpBuilder &b, Value value, Value grad);

  TrainStepOp step;
  func::FuncOp forward;
  Location loc;
  DenseMap<Value, Value> adjoints;
};

} // namespace

LogicalResult GradientKernelBuilder::build() {
  std::string name = (step.getSymName() + "_grad").str();
  if (SymbolTable::lookupNearestSymbolFrom(step, StringAttr::get(
                                                     step.getContext(), name)))
    return step.emitOpError() << "cannot derive '@" << name
                              << "': the symbol already exists";

  FunctionType forwardType = forward.getFunctionType();
  int64_t batch = step.getBatch();
  auto inputType = cast<RankedTensorType>(forwardType.getInput(0));
  auto logitsType = cast<RankedTensorType>(forwardType.getResult(0));
  Type f32 = step.getAccumulate();
  Type labelType =
      step.getLoss() == LossKind::softmax_cross_entropy
          ? Type(RankedTensorType::get({batch},
                                       IntegerType::get(step.getContext(), 32)))
          : Type(withBatch(logitsType, batch));
  ArrayRef<Type> paramTypes = forwardType.getInputs().drop_front();

  // (params..., input, labels, rows, grad_accs..., losses)
  SmallVector<Type> argTypes(paramTypes);
  SmallVector<ArgRole> roles(paramTypes.size(), ArgRole::param);
  auto addArg = [&](Type type, ArgRole role) {
    argTypes.push_back(type);
    roles.push_back(role);
  };
  addArg(withBatch(inputType, batch), ArgRole::input);
  addArg(labelType, ArgRole::label);
  addArg(IndexType::get(step.getContext()), ArgRole::rows);
  for (Type type : paramTypes)
    addArg(type, ArgRole::grad_acc);
  auto lossesType = RankedTensorType::get({batch}, f32);
  addArg(lossesType, ArgRole::losses);
  SmallVector<Type> resultTypes = {lossesType};
  llvm::append_range(resultTypes, paramTypes);

  OpBuilder b(step);
  b.setInsertionPointAfter(step);
  auto kernel = func::FuncOp::create(b, loc, name,
                                     b.getFunctionType(argTypes, resultTypes));
  MLIRContext *ctx = step.getContext();
  for (auto [index, role] : llvm::enumerate(roles))
    kernel.setArgAttr(index, DPSDialect::kRoleAttrName,
                      ArgRoleAttr::get(ctx, role));
  for (unsigned i = 0; i < paramTypes.size(); ++i)
    if (Attribute init =
            forward.getArgAttr(i + 1, DPSDialect::kParamAttrName))
      kernel.setArgAttr(i, DPSDialect::kParamAttrName, init);
  kernel->setAttr(DPSDialect::kKernelAttrName,
                  KernelKindAttr::get(ctx, KernelKind::grad));
  kernel->setAttr(DPSDialect::kTrainStepAttrName,
                  FlatSymbolRefAttr::get(step.getSymNameAttr()));
  kernel->setAttr(DPSDialect::kPrecisionAttrName, PrecisionAttr::get(ctx, f32));

  Block *body = kernel.addEntryBlock();
  b.setInsertionPointToStart(body);
  size_t numParams = paramTypes.size();
  ValueRange args = body->getArguments();
  ValueRange params = args.take_front(numParams);
  Value input = args[numParams], labels = args[numParams + 1],
        rows = args[numParams + 2];
  ValueRange accumulators = args.slice(numParams + 3, numParams);
  Value lossesOut = args.back();

  // Forward pass on the valid rows only.
  IRMapping mapping;
  mapping.map(forward.getArgument(0), leadingRows(b, loc, input, rows));
  for (auto [forwardArg, param] :
       llvm::zip(forward.getArguments().drop_front(), params))
    mapping.map(forwardArg, param);
  DenseSet<Value> active(params.begin(), params.end());
  SmallVector<Operation *> tape;
  for (Operation &op : forward.getBody().front().without_terminator()) {
    Operation *clone = b.clone(op, mapping);
    tape.push_back(clone);
    if (llvm::any_of(clone->getOperands(),
                     [&](Value v) { return active.contains(v); }))
      active.insert(clone->result_begin(), clone->result_end());
  }
  Value logits = mapping.lookup(
      forward.getBody().front().getTerminator()->getOperand(0));
  Value labelRows = leadingRows(b, loc, labels, rows);
  Operation *lossOp =
      step.getLoss() == LossKind::softmax_cross_entropy
          ? SoftmaxCrossEntropyOp::create(b, loc, logits, labelRows)
                .getOperation()
          : MSEOp::create(b, loc, logits, labelRows).getOperation();
  tape.push_back(lossOp);
  Value loss = lossOp->getResult(0);
  active.insert(loss);

  // d(sum of losses)/d(loss) = 1 per valid row.
  Value seedInit = tensor::EmptyOp::create(b, loc, ArrayRef<OpFoldResult>{rows},
                                           f32);
  Value seed = filled(b, loc, seedInit, 1.0);
  if (failed(backward(b, tape, loss, seed, active))) {
    kernel.erase();
    return failure();
  }

  SmallVector<Value> results;
  Value zeroed = filled(b, loc, lossesOut, 0.0);
  results.push_back(tensor::InsertSliceOp::create(
      b, loc, loss, zeroed, ArrayRef<OpFoldResult>{b.getIndexAttr(0)},
      ArrayRef<OpFoldResult>{rows},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1)}));
  for (auto [param, accumulator] : llvm::zip(params, accumulators)) {
    Value grad = adjoints.lookup(param);
    results.push_back(grad ? AddOp::create(b, loc, accumulator, grad)
                           : accumulator);
  }
  func::ReturnOp::create(b, loc, results);
  return success();
}

void GradientKernelBuilder::addAdjoint(OpBuilder &b, Value value, Value grad) {
  Value &slot = adjoints[value];
  slot = slot ? AddOp::create(b, grad.getLoc(), slot, grad) : grad;
}

LogicalResult GradientKernelBuilder::backward(OpBuilder &b,
                                              ArrayRef<Operation *> ops,
                                              Value loss, Value lossSeed,
                                              const DenseSet<Value> &active) {
  adjoints[loss] = lossSeed;
  for (Operation *op : llvm::reverse(ops)) {
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
    if (failed(differentiable.buildVJP(b, grad, wanted, operandGrads)))
      return failure();
    for (auto [operand, operandGrad, isWanted] :
         llvm::zip(op->getOperands(), operandGrads, wanted)) {
      if (isWanted && !operandGrad)
        return op->emitOpError() << "gave no gradient for an operand that "
                                    "depends on a parameter";
      if (operandGrad)
        addAdjoint(b, operand, operandGrad);
    }
  }
  return success();
}

namespace {
struct DPSAutodiffPass : public dps::impl::DPSAutodiffBase<DPSAutodiffPass> {
  void runOnOperation() override {
    SmallVector<TrainStepOp> steps(getOperation().getOps<TrainStepOp>());
    for (TrainStepOp step : steps) {
      func::FuncOp forward = step.getForwardFunc();
      if (!forward) {
        step.emitOpError() << "forward function " << step.getForwardAttr()
                           << " does not name a func.func";
        return signalPassFailure();
      }
      if (failed(GradientKernelBuilder(step, forward).build()))
        return signalPassFailure();
    }
  }
};
} // namespace
