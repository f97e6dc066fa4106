//===- WindowShapes.cpp - shape rules shared by dps ops --------------------===//
#include "WindowShapes.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;

namespace mlir::dps::detail {

bool compatible(int64_t a, int64_t b) {
  return a == kDynamic || b == kDynamic || a == b;
}

int64_t product(ArrayRef<int64_t> dims) {
  int64_t result = 1;
  for (int64_t dim : dims) {
    if (dim == kDynamic)
      return kDynamic;
    result *= dim;
  }
  return result;
}

std::string dimString(int64_t dim) {
  return dim == kDynamic ? "?" : std::to_string(dim);
}

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string result;
  for (auto [index, dim] : llvm::enumerate(shape))
    result += (index ? "x" : "") + dimString(dim);
  return result;
}

std::optional<ArrayRef<int64_t>> shapeOfRank(Value value, int64_t rank) {
  auto type =
      dyn_cast_or_null<RankedTensorType>(value ? value.getType() : Type());
  if (!type || type.getRank() != rank)
    return std::nullopt;
  return type.getShape();
}

Type elementTypeOf(Value value) {
  return cast<ShapedType>(value.getType()).getElementType();
}

static bool allPositive(ArrayRef<int64_t> values) {
  return llvm::all_of(values, [](int64_t v) { return v > 0; });
}

LogicalResult verifyWindowAttrs(std::optional<Location> loc, StringRef opName,
                                ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> padding,
                                ArrayRef<int64_t> dilations) {
  if (strides.size() != 2 || !allPositive(strides))
    return emitOptionalError(loc, "'", opName,
                             "' op expects 2 positive strides [h, w]");
  if (padding.size() != 4 ||
      llvm::any_of(padding, [](int64_t p) { return p < 0; }))
    return emitOptionalError(
        loc, "'", opName,
        "' op expects 4 non-negative paddings [top, left, bottom, right]");
  if (dilations.size() != 2 || !allPositive(dilations))
    return emitOptionalError(loc, "'", opName,
                             "' op expects 2 positive dilations [h, w]");
  return success();
}

FailureOr<int64_t> windowOutputSize(std::optional<Location> loc,
                                    StringRef opName, StringRef dimName,
                                    int64_t inputSize, int64_t padBefore,
                                    int64_t padAfter, int64_t window,
                                    int64_t stride, int64_t dilation) {
  if (inputSize == kDynamic)
    return kDynamic;
  int64_t effectiveWindow = dilation * (window - 1) + 1;
  int64_t padded = inputSize + padBefore + padAfter;
  if (effectiveWindow > padded) {
    (void)emitOptionalError(loc, "'", opName, "' op window of ",
                            effectiveWindow, " does not fit the padded input ",
                            dimName, " of ", padded);
    return failure();
  }
  return (padded - effectiveWindow) / stride + 1;
}

/// OH and OW of a window over `input` (NHWC).
static FailureOr<std::pair<int64_t, int64_t>>
windowOutputExtents(std::optional<Location> loc, StringRef opName,
                    ArrayRef<int64_t> input, ArrayRef<int64_t> kernel,
                    ArrayRef<int64_t> strides, ArrayRef<int64_t> padding,
                    ArrayRef<int64_t> dilations) {
  if (kernel.size() != 2 || !allPositive(kernel)) {
    (void)emitOptionalError(loc, "'", opName,
                            "' op expects 2 positive kernel sizes [h, w]");
    return failure();
  }
  if (failed(verifyWindowAttrs(loc, opName, strides, padding, dilations)))
    return failure();
  FailureOr<int64_t> height =
      windowOutputSize(loc, opName, "height", input[1], padding[0], padding[2],
                       kernel[0], strides[0], dilations[0]);
  if (failed(height))
    return failure();
  FailureOr<int64_t> width =
      windowOutputSize(loc, opName, "width", input[2], padding[1], padding[3],
                       kernel[1], strides[1], dilations[1]);
  if (failed(width))
    return failure();
  return std::make_pair(*height, *width);
}

FailureOr<SmallVector<int64_t>> inferPoolShape(std::optional<Location> loc,
                                               StringRef opName,
                                               ArrayRef<int64_t> input,
                                               ArrayRef<int64_t> kernel,
                                               ArrayRef<int64_t> strides,
                                               ArrayRef<int64_t> padding,
                                               ArrayRef<int64_t> dilations) {
  // The window's extent: its taps `dilation` apart.
  auto extent = [&](int i) {
    return i < int64_t(dilations.size()) ? dilations[i] * (kernel[i] - 1) + 1
                                         : kernel[i];
  };
  if (kernel.size() == 2 && padding.size() == 4 &&
      (padding[0] >= extent(0) || padding[2] >= extent(0) ||
       padding[1] >= extent(1) || padding[3] >= extent(1))) {
    (void)emitOptionalError(loc, "'", opName,
                            "' op padding must be smaller than the kernel, or "
                            "a window could see only padding");
    return failure();
  }
  auto extents = windowOutputExtents(loc, opName, input, kernel, strides,
                                     padding, dilations);
  if (failed(extents))
    return failure();
  return SmallVector<int64_t>{input[0], extents->first, extents->second,
                              input[3]};
}

FailureOr<SmallVector<int64_t>>
inferIm2ColShape(std::optional<Location> loc, StringRef opName,
                 ArrayRef<int64_t> input, ArrayRef<int64_t> kernel,
                 ArrayRef<int64_t> strides, ArrayRef<int64_t> padding,
                 ArrayRef<int64_t> dilations) {
  auto extents = windowOutputExtents(loc, opName, input, kernel, strides,
                                     padding, dilations);
  if (failed(extents))
    return failure();
  return SmallVector<int64_t>{
      product({input[0], extents->first, extents->second}),
      product({kernel[0], kernel[1], input[3]})};
}

} // namespace mlir::dps::detail
