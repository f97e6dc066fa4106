//===- LoweringUtils.h - helpers for the dps-to-linalg patterns -*- C++ -*-===//
#ifndef DPS_LIB_CONVERSION_DPSTOLINALG_LOWERINGUTILS_H
#define DPS_LIB_CONVERSION_DPSTOLINALG_LOWERINGUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::dps {

/// Builds the body of an elementwise or reduction generic from its block
/// arguments (inputs, then outputs); returns the values to yield.
using BodyFn =
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>;

/// Sizes of a ranked tensor: static extents as attributes, dynamic ones as
/// tensor.dim.
SmallVector<OpFoldResult> tensorSizes(OpBuilder &b, Location loc, Value value);

Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type elementType);
Value floatConstant(OpBuilder &b, Location loc, Type type, double value);
/// A tensor of `sizes` filled with `value`.
Value filledTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Type elementType, double value);

SmallVector<utils::IteratorType> parallelIterators(unsigned count);

/// A linalg.generic over the iteration space of `outputs` with the given maps.
Value buildGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                   ValueRange outputs, ArrayRef<AffineMap> maps,
                   ArrayRef<utils::IteratorType> iterators, BodyFn body);

/// Elementwise map of same-shaped `inputs` into a new tensor of
/// `resultElementType`.
Value mapElementwise(OpBuilder &b, Location loc, ValueRange inputs,
                     Type resultElementType, BodyFn body);

/// Converts a float scalar between precisions (extf / truncf, or nothing).
Value convertFloat(OpBuilder &b, Location loc, Value value, Type to);
/// Converts a float tensor elementwise, or returns it as is.
Value convertTensor(OpBuilder &b, Location loc, Value tensor, Type to);

/// The f32 type contractions and reductions accumulate in.
Type accumulatorType(MLIRContext *ctx);

/// `op(lhs) x op(rhs)` added into `init` (f32), operands widened to f32 as
/// they are read.
Value buildContraction(OpBuilder &b, Location loc, Value lhs, Value rhs,
                       bool transposeLhs, bool transposeRhs, Value init);
/// A plain (2-D) contraction C[m, n] += A[lhsMap(m, k)] * B[k, n], A read
/// through any map of (m, n, k).
Value buildContraction(OpBuilder &b, Location loc, Value lhs, AffineMap lhsMap,
                       Value rhs, Value init);

/// The f32 `rows x columns` accumulator of a layer: `bias` (a `columns`
/// vector) broadcast over the rows, or zeros when there is no bias.
Value rowsAccumulator(OpBuilder &b, Location loc, OpFoldResult rows,
                      Value bias, int64_t columns);

/// Collapses or expands `value` to `type` (same element count, row-major).
Value reshapeTensor(OpBuilder &b, Location loc, Value value,
                    RankedTensorType type);

/// `image` (N x H x W x C) padded with `value` by [top, left, bottom, right]
/// and by `extraChannels` channels; `image` itself when all are zero.
Value padImage(OpBuilder &b, Location loc, Value image,
               ArrayRef<int64_t> padding, double value,
               int64_t extraChannels = 0);

/// Indexing `rank` loops without loop `axis`.
AffineMap dropAxisMap(OpBuilder &b, int64_t rank, int64_t axis);

/// Reduces `inputs` (all of `inputs.front()`'s shape) along `axis` into an
/// f32 tensor without that axis: `acc = combine(inputs..., extra..., acc)`
/// from `initial`, inputs read as f32; `extra` are already-reduced tensors
/// read at the same position.
Value reduceAlongAxis(
    OpBuilder &b, Location loc, ValueRange inputs, ValueRange extra,
    int64_t axis, double initial,
    function_ref<Value(OpBuilder &, Location, ValueRange, ValueRange, Value)>
        combine);

/// The maximum of `input` along `axis` and the sum of exp(x - max), both f32
/// without that axis: the stable parts of softmax and log-sum-exp.
std::pair<Value, Value> logSumExpParts(OpBuilder &b, Location loc, Value input,
                                       int64_t axis);

} // namespace mlir::dps

#endif // DPS_LIB_CONVERSION_DPSTOLINALG_LOWERINGUTILS_H
