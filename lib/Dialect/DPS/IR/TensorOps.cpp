//===- TensorOps.cpp - add, matmul, transpose, softmax, sum_to ------------===//
//
// The tensor-algebra ops that ONNX graphs need beyond the layer ops:
// broadcasting, batched matrix products, permutations and softmaxes.
//
//===----------------------------------------------------------------------===//
#include "dps/Dialect/DPS/IR/DPSOps.h"

#include "WindowShapes.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/InterleavedRange.h"

using namespace mlir;
using namespace mlir::dps;
using namespace mlir::dps::detail;

//===----------------------------------------------------------------------===//
// AddOp
//===----------------------------------------------------------------------===//

/// NumPy broadcasting of two shapes; failure if a pair of dimensions differs
/// and neither is 1.
static FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                       ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> shape(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t x = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t y = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (x == 1)
      shape[i] = y;
    else if (y == 1)
      shape[i] = x;
    else if (x == kDynamic)
      shape[i] = y;
    else if (y == kDynamic || x == y)
      shape[i] = x;
    else
      return failure();
  }
  return shape;
}

LogicalResult AddOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  // Inference runs while parsing, before the operand types are verified.
  auto lhs = dyn_cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhs = dyn_cast<RankedTensorType>(adaptor.getRhs().getType());
  if (!lhs || !rhs)
    return emitOptionalError(loc, "'dps.add' op expects ranked tensors");
  if (lhs == rhs) {
    inferred.push_back(lhs);
    return success();
  }
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(lhs.getShape(), rhs.getShape());
  if (failed(shape))
    return emitOptionalError(loc, "'dps.add' op cannot broadcast shapes ",
                             shapeString(lhs.getShape()), " and ",
                             shapeString(rhs.getShape()));
  inferred.push_back(RankedTensorType::get(*shape, lhs.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// SumToOp
//===----------------------------------------------------------------------===//

LogicalResult SumToOp::verify() {
  ArrayRef<int64_t> from = getInput().getType().getShape();
  ArrayRef<int64_t> to = getResult().getType().getShape();
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(from, to);
  bool fits = to.size() <= from.size() && succeeded(shape);
  for (size_t i = 0; fits && i < from.size(); ++i)
    fits = compatible((*shape)[i], from[i]);
  if (!fits)
    return emitOpError() << "result shape " << shapeString(to)
                         << " does not broadcast to the input's "
                         << shapeString(from);
  for (size_t i = 0; i < to.size(); ++i)
    if (to[i] == kDynamic)
      return emitOpError() << "result must be statically shaped";
  return success();
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto lhsType = dyn_cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhsType = dyn_cast<RankedTensorType>(adaptor.getRhs().getType());
  int64_t rank = lhsType ? lhsType.getRank() : 0;
  if (rank < 2 || !rhsType || rhsType.getRank() != rank)
    return emitOptionalError(loc, "'dps.matmul' op expects operands of one "
                                  "rank, at least 2");
  ArrayRef<int64_t> lhs = lhsType.getShape(), rhs = rhsType.getShape();
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank - 2; ++d) {
    if (!compatible(lhs[d], rhs[d]))
      return emitOptionalError(loc, "'dps.matmul' op batch dimension ", d,
                               " differs: ", dimString(lhs[d]), " and ",
                               dimString(rhs[d]));
    shape.push_back(lhs[d] == kDynamic ? rhs[d] : lhs[d]);
  }
  bool tl = adaptor.getTransposeLhs(), tr = adaptor.getTransposeRhs();
  int64_t m = lhs[rank - (tl ? 1 : 2)], kLhs = lhs[rank - (tl ? 2 : 1)];
  int64_t kRhs = rhs[rank - (tr ? 1 : 2)], n = rhs[rank - (tr ? 2 : 1)];
  if (!compatible(kLhs, kRhs))
    return emitOptionalError(loc, "'dps.matmul' op contracts ", dimString(kLhs),
                             " columns of the (transposed) "
                             "lhs with ",
                             dimString(kRhs), " rows of the (transposed) rhs");
  shape.append({m, n});
  inferred.push_back(RankedTensorType::get(shape, lhsType.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  if (!type)
    return emitOptionalError(loc, "'dps.transpose' op expects a ranked tensor");
  ArrayRef<int64_t> permutation = adaptor.getPermutation();
  int64_t rank = type.getRank();
  SmallVector<bool> seen(rank, false);
  bool valid = int64_t(permutation.size()) == rank;
  for (int64_t d : permutation) {
    valid = valid && d >= 0 && d < rank && !seen[d];
    if (valid)
      seen[d] = true;
  }
  if (!valid)
    return emitOptionalError(
        loc, "'dps.transpose' op permutation [", llvm::interleaved(permutation),
        "]", " is not a permutation of the ", rank, " dimensions");
  SmallVector<int64_t> shape;
  for (int64_t d : permutation)
    shape.push_back(type.getDimSize(d));
  inferred.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> permutation = getPermutation();
  // The identity, and a transpose undoing its producer.
  if (llvm::equal(permutation, llvm::seq<int64_t>(0, permutation.size())))
    return getInput();
  if (auto producer = getInput().getDefiningOp<TransposeOp>()) {
    ArrayRef<int64_t> first = producer.getPermutation();
    bool inverse = true;
    for (size_t d = 0; d < permutation.size(); ++d)
      inverse = inverse && first[permutation[d]] == int64_t(d);
    if (inverse)
      return producer.getInput();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// Softmax and LogSoftmax
//===----------------------------------------------------------------------===//

template <typename OpTy> static LogicalResult verifyAxis(OpTy op) {
  int64_t rank = op.getInput().getType().getRank();
  auto axis = static_cast<int64_t>(op.getAxis());
  if (axis < -rank || axis >= rank)
    return op.emitOpError() << "axis " << axis << " is outside [" << -rank
                            << ", " << rank << ")";
  return success();
}

LogicalResult SoftmaxOp::verify() { return verifyAxis(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifyAxis(*this); }
