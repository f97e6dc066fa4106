//===- LoweringUtils.cpp - helpers for the dps-to-linalg patterns ----------===//
#include "LoweringUtils.h"
#include "dps/Dialect/DPS/IR/DPSDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

#include <limits>

using namespace mlir;
using namespace mlir::dps;

SmallVector<OpFoldResult> mlir::dps::tensorSizes(OpBuilder &b, Location loc,
                                                 Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<OpFoldResult> sizes;
  for (auto [index, dim] : llvm::enumerate(type.getShape()))
    sizes.push_back(ShapedType::isDynamic(dim)
                        ? OpFoldResult(tensor::DimOp::create(b, loc, value,
                                                             index)
                                           .getResult())
                        : OpFoldResult(b.getIndexAttr(dim)));
  return sizes;
}

Value mlir::dps::emptyTensor(OpBuilder &b, Location loc,
                             ArrayRef<OpFoldResult> sizes, Type elementType) {
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

Value mlir::dps::floatConstant(OpBuilder &b, Location loc, Type type,
                               double value) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

Value mlir::dps::filledTensor(OpBuilder &b, Location loc,
                              ArrayRef<OpFoldResult> sizes, Type elementType,
                              double value) {
  Value init = emptyTensor(b, loc, sizes, elementType);
  Value scalar = floatConstant(b, loc, elementType, value);
  return linalg::FillOp::create(b, loc, scalar, init).getResult(0);
}

SmallVector<utils::IteratorType> mlir::dps::parallelIterators(unsigned count) {
  return SmallVector<utils::IteratorType>(count, utils::IteratorType::parallel);
}

Value mlir::dps::buildGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                              ValueRange outputs, ArrayRef<AffineMap> maps,
                              ArrayRef<utils::IteratorType> iterators,
                              BodyFn body) {
  auto generic = linalg::GenericOp::create(
      b, loc, outputs.getTypes(), inputs, outputs, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        linalg::YieldOp::create(nested, nestedLoc,
                                body(nested, nestedLoc, args));
      });
  return generic.getResult(0);
}

Value mlir::dps::mapElementwise(OpBuilder &b, Location loc, ValueRange inputs,
                                Type resultElementType, BodyFn body) {
  auto type = cast<RankedTensorType>(inputs.front().getType());
  Value init =
      emptyTensor(b, loc, tensorSizes(b, loc, inputs.front()), resultElementType);
  SmallVector<AffineMap> maps(inputs.size() + 1,
                              b.getMultiDimIdentityMap(type.getRank()));
  return buildGeneric(b, loc, inputs, init, maps,
                      parallelIterators(type.getRank()), body);
}

Value mlir::dps::convertFloat(OpBuilder &b, Location loc, Value value,
                              Type to) {
  Type from = value.getType();
  if (from == to)
    return value;
  if (from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth())
    return arith::ExtFOp::create(b, loc, to, value);
  return arith::TruncFOp::create(b, loc, to, value);
}

Value mlir::dps::convertTensor(OpBuilder &b, Location loc, Value tensor,
                               Type to) {
  if (cast<RankedTensorType>(tensor.getType()).getElementType() == to)
    return tensor;
  return mapElementwise(
      b, loc, tensor, to,
      [&](OpBuilder &nb, Location nl, ValueRange args) -> SmallVector<Value> {
        return {convertFloat(nb, nl, args[0], to)};
      });
}

Type mlir::dps::accumulatorType(MLIRContext *ctx) {
  return Float32Type::get(ctx);
}

namespace {
Value buildContraction(OpBuilder &b, Location loc, Value lhs, Value rhs,
                       ArrayRef<AffineMap> maps, Value init) {
  SmallVector<utils::IteratorType> iterators =
      parallelIterators(maps.front().getNumDims());
  iterators.back() = utils::IteratorType::reduction;
  Type acc = cast<RankedTensorType>(init.getType()).getElementType();
  Value result = buildGeneric(
      b, loc, {lhs, rhs}, init, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) -> SmallVector<Value> {
        Value lhsValue = convertFloat(nb, nl, args[0], acc);
        Value rhsValue = convertFloat(nb, nl, args[1], acc);
        Value product = arith::MulFOp::create(nb, nl, lhsValue, rhsValue);
        return {arith::AddFOp::create(nb, nl, args[2], product)};
      });
  // Plain matrix products are what dps-vectorize-contractions tiles.
  if (maps.front().getNumDims() == 3)
    result.getDefiningOp()->setAttr(DPSDialect::kContractionAttrName,
                                    b.getUnitAttr());
  return result;
}
} // namespace

Value mlir::dps::buildContraction(OpBuilder &b, Location loc, Value lhs,
                                  AffineMap lhsMap, Value rhs, Value init) {
  MLIRContext *ctx = b.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  return ::buildContraction(b, loc, lhs, rhs,
                            {lhsMap, AffineMap::get(3, 0, {k, n}, ctx),
                             AffineMap::get(3, 0, {m, n}, ctx)},
                            init);
}

Value mlir::dps::buildContraction(OpBuilder &b, Location loc, Value lhs,
                                  Value rhs, bool transposeLhs,
                                  bool transposeRhs, Value init) {
  MLIRContext *ctx = b.getContext();
  // Loops: batch dimensions..., m, n, k.
  unsigned batch = cast<RankedTensorType>(init.getType()).getRank() - 2;
  unsigned loops = batch + 3;
  AffineExpr m = b.getAffineDimExpr(batch), n = b.getAffineDimExpr(batch + 1),
             k = b.getAffineDimExpr(batch + 2);
  auto map = [&](AffineExpr a, AffineExpr c) {
    SmallVector<AffineExpr> exprs;
    for (unsigned d = 0; d < batch; ++d)
      exprs.push_back(b.getAffineDimExpr(d));
    exprs.append({a, c});
    return AffineMap::get(loops, 0, exprs, ctx);
  };
  SmallVector<AffineMap> maps = {transposeLhs ? map(k, m) : map(m, k),
                                 transposeRhs ? map(n, k) : map(k, n),
                                 map(m, n)};
  return ::buildContraction(b, loc, lhs, rhs, maps, init);
}

Value mlir::dps::rowsAccumulator(OpBuilder &b, Location loc, OpFoldResult rows,
                                 Value bias, int64_t columns) {
  Type acc = accumulatorType(b.getContext());
  SmallVector<OpFoldResult> sizes = {rows, b.getIndexAttr(columns)};
  if (!bias)
    return filledTensor(b, loc, sizes, acc, 0.0);
  MLIRContext *ctx = b.getContext();
  AffineExpr n, m;
  bindDims(ctx, n, m);
  SmallVector<AffineMap> maps = {AffineMap::get(2, 0, {m}, ctx),
                                 AffineMap::get(2, 0, {n, m}, ctx)};
  return buildGeneric(
      b, loc, bias, emptyTensor(b, loc, sizes, acc), maps,
      parallelIterators(2),
      [&](OpBuilder &nb, Location nl, ValueRange args) -> SmallVector<Value> {
        return {convertFloat(nb, nl, args[0], acc)};
      });
}

/// Row-major reassociation between two shapes, if one is a pure collapse or
/// expansion of the other.
static std::optional<SmallVector<ReassociationIndices>>
reassociationBetween(RankedTensorType from, RankedTensorType to) {
  if (from.getRank() == to.getRank())
    return std::nullopt;
  return getReassociationIndicesForReshape(from, to);
}

Value mlir::dps::reshapeTensor(OpBuilder &b, Location loc, Value value,
                               RankedTensorType type) {
  auto from = cast<RankedTensorType>(value.getType());
  if (from == type)
    return value;
  if (auto reassociation = reassociationBetween(from, type)) {
    if (from.getRank() > type.getRank())
      return tensor::CollapseShapeOp::create(b, loc, type, value,
                                             *reassociation);
    return tensor::ExpandShapeOp::create(b, loc, type, value, *reassociation);
  }
  // Otherwise through one dimension: collapse everything, then expand with
  // the dynamic extent (at most one) computed from the element count.
  ReassociationIndices all =
      llvm::to_vector(llvm::seq<int64_t>(0, from.getRank()));
  int64_t count = from.hasStaticShape() ? from.getNumElements()
                                        : ShapedType::kDynamic;
  auto flatType = RankedTensorType::get({count}, from.getElementType());
  Value flat = tensor::CollapseShapeOp::create(
      b, loc, flatType, value, ArrayRef<ReassociationIndices>{all});
  SmallVector<OpFoldResult> outputShape;
  int64_t staticPart = 1;
  for (int64_t dim : type.getShape())
    if (!ShapedType::isDynamic(dim))
      staticPart *= dim;
  for (int64_t dim : type.getShape()) {
    if (!ShapedType::isDynamic(dim)) {
      outputShape.push_back(b.getIndexAttr(dim));
      continue;
    }
    Value total = tensor::DimOp::create(b, loc, flat, 0);
    Value divisor = arith::ConstantIndexOp::create(b, loc, staticPart);
    outputShape.push_back(
        arith::DivUIOp::create(b, loc, total, divisor).getResult());
  }
  ReassociationIndices allTo =
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
  return tensor::ExpandShapeOp::create(b, loc, type, flat,
                                       ArrayRef<ReassociationIndices>{allTo},
                                       outputShape);
}

Value mlir::dps::padImage(OpBuilder &b, Location loc, Value image,
                          ArrayRef<int64_t> padding, double value,
                          int64_t extraChannels) {
  if (llvm::all_of(padding, [](int64_t p) { return p == 0; }) && !extraChannels)
    return image;
  auto type = cast<RankedTensorType>(image.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[1] += padding[0] + padding[2];
  shape[2] += padding[1] + padding[3];
  shape[3] += extraChannels;
  SmallVector<OpFoldResult> low = {b.getIndexAttr(0), b.getIndexAttr(padding[0]),
                                   b.getIndexAttr(padding[1]),
                                   b.getIndexAttr(0)};
  SmallVector<OpFoldResult> high = {
      b.getIndexAttr(0), b.getIndexAttr(padding[2]), b.getIndexAttr(padding[3]),
      b.getIndexAttr(extraChannels)};
  return tensor::PadOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), image, low,
      high, floatConstant(b, loc, type.getElementType(), value));
}

AffineMap mlir::dps::dropAxisMap(OpBuilder &b, int64_t rank, int64_t axis) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      exprs.push_back(b.getAffineDimExpr(d));
  return AffineMap::get(rank, 0, exprs, b.getContext());
}

Value mlir::dps::reduceAlongAxis(
    OpBuilder &b, Location loc, ValueRange inputs, ValueRange extra,
    int64_t axis, double initial,
    function_ref<Value(OpBuilder &, Location, ValueRange, ValueRange, Value)>
        combine) {
  Type f32 = accumulatorType(b.getContext());
  int64_t rank = cast<RankedTensorType>(inputs.front().getType()).getRank();
  SmallVector<OpFoldResult> sizes = tensorSizes(b, loc, inputs.front());
  sizes.erase(sizes.begin() + axis);
  Value init = filledTensor(b, loc, sizes, f32, initial);
  SmallVector<AffineMap> maps(inputs.size(), b.getMultiDimIdentityMap(rank));
  maps.append(extra.size() + 1, dropAxisMap(b, rank, axis));
  SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
  iterators[axis] = utils::IteratorType::reduction;
  SmallVector<Value> operands(inputs.begin(), inputs.end());
  operands.append(extra.begin(), extra.end());
  size_t n = inputs.size();
  return buildGeneric(
      b, loc, operands, init, maps, iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) -> SmallVector<Value> {
        SmallVector<Value> values;
        for (Value v : args.take_front(n))
          values.push_back(convertFloat(nb, nl, v, f32));
        return {
            combine(nb, nl, values, args.slice(n, extra.size()), args.back())};
      });
}

std::pair<Value, Value> mlir::dps::logSumExpParts(OpBuilder &b, Location loc,
                                                  Value input, int64_t axis) {
  Value max = reduceAlongAxis(
      b, loc, input, {}, axis, -std::numeric_limits<double>::infinity(),
      [](OpBuilder &nb, Location nl, ValueRange x, ValueRange, Value acc) {
        return arith::MaximumFOp::create(nb, nl, x[0], acc).getResult();
      });
  Value sum = reduceAlongAxis(
      b, loc, input, max, axis, 0.0,
      [](OpBuilder &nb, Location nl, ValueRange x, ValueRange m, Value acc) {
        Value e = math::ExpOp::create(
            nb, nl, arith::SubFOp::create(nb, nl, x[0], m[0]));
        return arith::AddFOp::create(nb, nl, acc, e).getResult();
      });
  return {max, sum};
}
