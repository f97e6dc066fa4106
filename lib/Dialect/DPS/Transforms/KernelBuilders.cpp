//===- KernelBuilders.cpp - pieces shared by the train-step kernels --------===//
#include "KernelBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::dps;

namespace mlir::dps::detail {

FailureOr<func::FuncOp> createKernel(TrainStepOp step, StringRef suffix,
                                     KernelKind kind, Type precision,
                                     ArrayRef<KernelArgSpec> args,
                                     TypeRange results) {
  MLIRContext *ctx = step.getContext();
  std::string name = (step.getSymName() + "_" + suffix).str();
  if (SymbolTable::lookupNearestSymbolFrom(step, StringAttr::get(ctx, name)))
    return step.emitOpError() << "cannot derive '@" << name
                              << "': the symbol already exists";
  SmallVector<Type> argTypes =
      llvm::map_to_vector(args, [](const KernelArgSpec &a) { return a.type; });
  OpBuilder b(step);
  b.setInsertionPointAfter(step);
  auto kernel = func::FuncOp::create(b, step.getLoc(), name,
                                     b.getFunctionType(argTypes, results));
  for (auto [index, arg] : llvm::enumerate(args)) {
    kernel.setArgAttr(index, DPSDialect::kRoleAttrName,
                      ArgRoleAttr::get(ctx, arg.role));
    if (arg.paramInit)
      kernel.setArgAttr(index, DPSDialect::kParamAttrName, arg.paramInit);
    if (!arg.layout.empty())
      kernel.setArgAttr(index, DPSDialect::kLayoutAttrName,
                        StringAttr::get(ctx, arg.layout));
  }
  kernel->setAttr(DPSDialect::kKernelAttrName, KernelKindAttr::get(ctx, kind));
  kernel->setAttr(DPSDialect::kTrainStepAttrName,
                  FlatSymbolRefAttr::get(step.getSymNameAttr()));
  kernel->setAttr(DPSDialect::kPrecisionAttrName,
                  PrecisionAttr::get(ctx, precision));
  kernel.addEntryBlock();
  return kernel;
}

SmallVector<KernelArgSpec> parameterArgs(TrainStepOp step, ArgRole role) {
  func::FuncOp forward = step.getForwardFunc();
  SmallVector<KernelArgSpec> args;
  for (unsigned i = 1, e = forward.getNumArguments(); i < e; ++i)
    args.push_back({forward.getArgument(i).getType(), role,
                    role == ArgRole::param
                        ? forward.getArgAttr(i, DPSDialect::kParamAttrName)
                        : Attribute()});
  return args;
}

static RankedTensorType withBatch(Type type, int64_t batch) {
  auto tensor = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(tensor.getShape());
  shape.front() = batch;
  return RankedTensorType::get(shape, tensor.getElementType());
}

RankedTensorType inputBufferType(TrainStepOp step) {
  return withBatch(step.getForwardFunc().getArgument(0).getType(),
                   step.getBatch());
}

RankedTensorType labelBufferType(TrainStepOp step) {
  if (step.getLoss() == LossKind::softmax_cross_entropy)
    return RankedTensorType::get({static_cast<int64_t>(step.getBatch())},
                                 IntegerType::get(step.getContext(), 32));
  return withBatch(step.getForwardFunc().getFunctionType().getResult(0),
                   step.getBatch());
}

RankedTensorType perSampleType(TrainStepOp step, Type elementType) {
  return RankedTensorType::get({static_cast<int64_t>(step.getBatch())},
                               elementType);
}

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
  Type elementType = cast<RankedTensorType>(init.getType()).getElementType();
  TypedAttr attr = isa<FloatType>(elementType)
                       ? TypedAttr(b.getFloatAttr(elementType, value))
                       : TypedAttr(b.getIntegerAttr(elementType,
                                                    static_cast<int64_t>(value)));
  Value scalar = arith::ConstantOp::create(b, loc, attr);
  return linalg::FillOp::create(b, loc, scalar, init).getResult(0);
}

Value writeInto(OpBuilder &b, Location loc, Value value, Value destination) {
  return bufferization::MaterializeInDestinationOp::create(b, loc, value,
                                                           destination)
      .getResult();
}

Type gradientSetElementType(Type rung) {
  if (rung.isF32() || rung.isF16())
    return Float32Type::get(rung.getContext());
  return isFloat8(rung) ? BFloat16Type::get(rung.getContext()) : rung;
}

Value writeLeadingRows(OpBuilder &b, Location loc, Value part, Value whole,
                       Value rows) {
  Value zeroed = filled(b, loc, whole, 0.0);
  return tensor::InsertSliceOp::create(
      b, loc, part, zeroed, ArrayRef<OpFoldResult>{b.getIndexAttr(0)},
      ArrayRef<OpFoldResult>{rows}, ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
}

Value cloneForward(OpBuilder &b, func::FuncOp forward, Value inputRows,
                   ValueRange params, SmallVectorImpl<Operation *> &tape) {
  IRMapping mapping;
  mapping.map(forward.getArgument(0), inputRows);
  for (auto [forwardArg, param] :
       llvm::zip(forward.getArguments().drop_front(), params))
    mapping.map(forwardArg, param);
  Block &body = forward.getBody().front();
  for (Operation &op : body.without_terminator())
    tape.push_back(b.clone(op, mapping));
  return mapping.lookup(body.getTerminator()->getOperand(0));
}

Operation *buildLoss(OpBuilder &b, TrainStepOp step, Value logits,
                     Value labels) {
  if (step.getLoss() == LossKind::softmax_cross_entropy)
    return SoftmaxCrossEntropyOp::create(b, step.getLoc(), logits, labels);
  return MSEOp::create(b, step.getLoc(), logits, labels);
}

} // namespace mlir::dps::detail
