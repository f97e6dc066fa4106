//===- GradientOps.cpp - verification of the backward-pass ops -------------===//
#include "WindowShapes.h"

#include "dps/Dialect/DPS/IR/DPSOps.h"

using namespace mlir;
using namespace mlir::dps;
using namespace mlir::dps::detail;

//===----------------------------------------------------------------------===//
// ReshapeOp
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  ArrayRef<int64_t> from = getInput().getType().getShape();
  ArrayRef<int64_t> to = getResult().getType().getShape();
  auto dynamicCount = [](ArrayRef<int64_t> shape) {
    return llvm::count(shape, kDynamic);
  };
  if (dynamicCount(from) > 1 || dynamicCount(to) > 1)
    return emitOpError() << "allows at most one dynamic dimension on each side";
  if (dynamicCount(from) != dynamicCount(to))
    return emitOpError() << "cannot reshape between a static and a dynamic "
                            "element count";
  auto staticProduct = [](ArrayRef<int64_t> shape) {
    int64_t result = 1;
    for (int64_t dim : shape)
      if (dim != kDynamic)
        result *= dim;
    return result;
  };
  int64_t fromCount = staticProduct(from), toCount = staticProduct(to);
  bool dynamic = dynamicCount(from) == 1;
  // With one dynamic dimension per side the static parts must divide evenly.
  if (dynamic ? (fromCount % toCount != 0 && toCount % fromCount != 0)
              : fromCount != toCount)
    return emitOpError() << "cannot reshape " << getInput().getType() << " ("
                         << fromCount << " elements) to "
                         << getResult().getType() << " (" << toCount
                         << " elements)";
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto producer = getInput().getDefiningOp<ReshapeOp>())
    if (producer.getInput().getType() == getType())
      return producer.getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// Col2ImOp and pool gradients: the forward op's shape rule, read backwards.
//===----------------------------------------------------------------------===//

/// Checks that `actual` (a gradient's shape) matches `expected` (what the
/// forward op would have produced).
static LogicalResult verifyGradShape(Operation *op, StringRef what,
                                     ArrayRef<int64_t> expected,
                                     ArrayRef<int64_t> actual) {
  if (expected.size() == actual.size() &&
      llvm::all_of(llvm::zip(expected, actual), [](auto pair) {
        return compatible(std::get<0>(pair), std::get<1>(pair));
      }))
    return success();
  return op->emitOpError() << what << " has shape " << shapeString(actual)
                           << " but the forward op produces "
                           << shapeString(expected);
}

LogicalResult Col2ImOp::verify() {
  FailureOr<SmallVector<int64_t>> expected = inferIm2ColShape(
      getLoc(), getOperationName(), getResult().getType().getShape(),
      getKernel(), getStrides(), getPadding(), getDilations());
  if (failed(expected))
    return failure();
  return verifyGradShape(*this, "the windows matrix", *expected,
                         getInput().getType().getShape());
}

LogicalResult MaxPool2DGradOp::verify() {
  FailureOr<SmallVector<int64_t>> expected =
      inferPoolShape(getLoc(), getOperationName(),
                     getInput().getType().getShape(), getKernel(),
                     getStrides(), getPadding(), getDilations());
  if (failed(expected))
    return failure();
  return verifyGradShape(*this, "the result gradient", *expected,
                         getGrad().getType().getShape());
}

LogicalResult AvgPool2DGradOp::verify() {
  FailureOr<SmallVector<int64_t>> expected =
      inferPoolShape(getLoc(), getOperationName(),
                     getResult().getType().getShape(), getKernel(),
                     getStrides(), getPadding());
  if (failed(expected))
    return failure();
  return verifyGradShape(*this, "the result gradient", *expected,
                         getGrad().getType().getShape());
}
