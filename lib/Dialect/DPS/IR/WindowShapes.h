//===- WindowShapes.h - shape rules shared by dps ops -----------*- C++ -*-===//
//
// Internal to the dialect library: shape checks and inference shared by the
// windowed ops (convolution, pools, im2col) and their gradients. Errors go to
// `loc` when one is given (inference) and are silent otherwise.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_LIB_DIALECT_DPS_IR_WINDOWSHAPES_H
#define DPS_LIB_DIALECT_DPS_IR_WINDOWSHAPES_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>

namespace mlir::dps::detail {

constexpr int64_t kDynamic = ShapedType::kDynamic;
constexpr int64_t kUnitPair[] = {1, 1};
constexpr int64_t kNoPadding[] = {0, 0, 0, 0};

/// Whether two extents can be equal (either may be dynamic).
bool compatible(int64_t a, int64_t b);
/// Product of `dims`, dynamic if any is.
int64_t product(ArrayRef<int64_t> dims);
std::string dimString(int64_t dim);
/// `4x?x3`.
std::string shapeString(ArrayRef<int64_t> shape);
/// The shape of `value`'s type if it is a ranked tensor of `rank`.
std::optional<ArrayRef<int64_t>> shapeOfRank(Value value, int64_t rank);
Type elementTypeOf(Value value);

/// Adaptors hand out default-valued attributes unset while an op is being
/// parsed, before its defaults are filled in.
inline ArrayRef<int64_t> valueOr(DenseI64ArrayAttr attr,
                                 ArrayRef<int64_t> fallback) {
  return attr ? attr.asArrayRef() : fallback;
}

/// Checks window attributes shared by convolutions and pools.
LogicalResult verifyWindowAttrs(std::optional<Location> loc, StringRef opName,
                                ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> padding,
                                ArrayRef<int64_t> dilations);

/// Output extent of a sliding window; fails when the window does not fit.
FailureOr<int64_t> windowOutputSize(std::optional<Location> loc,
                                    StringRef opName, StringRef dimName,
                                    int64_t inputSize, int64_t padBefore,
                                    int64_t padAfter, int64_t window,
                                    int64_t stride, int64_t dilation);

/// N x OH x OW x C of a pool over an N x H x W x C input.
FailureOr<SmallVector<int64_t>>
inferPoolShape(std::optional<Location> loc, StringRef opName,
               ArrayRef<int64_t> input, ArrayRef<int64_t> kernel,
               ArrayRef<int64_t> strides, ArrayRef<int64_t> padding,
               ArrayRef<int64_t> dilations = kUnitPair);

/// (N*OH*OW) x (KH*KW*C) of the windows of an N x H x W x C input.
FailureOr<SmallVector<int64_t>>
inferIm2ColShape(std::optional<Location> loc, StringRef opName,
                 ArrayRef<int64_t> input, ArrayRef<int64_t> kernel,
                 ArrayRef<int64_t> strides, ArrayRef<int64_t> padding,
                 ArrayRef<int64_t> dilations);

} // namespace mlir::dps::detail

#endif // DPS_LIB_DIALECT_DPS_IR_WINDOWSHAPES_H
