//===- VectorizeElementwise.cpp - vectorized elementwise ops --------------===//
//
// Activations, their gradients, the rung's rounding (integer bit arithmetic
// on the values' bits), bias broadcasts and optimizer updates are
// elementwise linalg.generic ops over a dynamic batch; bias gradients, amax
// and the loss's row maxima and sums are reductions. Runs on buffers,
// after bufferization (tiled on tensors, an op updating a buffer in place
// would make bufferization copy it). Each op becomes a loop
// nest over all but its innermost dimension and, innermost, `width`-wide
// vector slices (the last partial slice peeled off with a static size when
// the dimension is static), so the arithmetic runs on whole registers.
//
//===----------------------------------------------------------------------===//
#include "Vectorization.h"

#include "dps/Dialect/DPS/IR/DPSDialect.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorTransforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSVECTORIZEELEMENTWISE
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {

/// Everything but the contractions (vectorized on tensors already) and the
/// VNNI copies (lowerVNNICopy).
bool isElementwise(linalg::GenericOp op) {
  return !op->hasAttr(DPSDialect::kContractionAttrName) &&
         !op->hasAttr(DPSDialect::kVNNIPackAttrName) &&
         !op->hasAttr(DPSDialect::kVNNIUnpackAttrName) &&
         op.hasPureBufferSemantics() && op.getNumLoops() > 0;
}

/// Whether nothing in the function writes `buffer`: a kernel argument that
/// every use (through views of it) only reads.
bool isReadOnlyArgument(Value buffer) {
  auto arg = dyn_cast<BlockArgument>(buffer);
  if (!arg || !isa<FunctionOpInterface>(arg.getOwner()->getParentOp()))
    return false;
  SmallVector<Value> views = {buffer};
  while (!views.empty()) {
    Value view = views.pop_back_val();
    for (OpOperand &use : view.getUses()) {
      Operation *user = use.getOwner();
      if (isa<ViewLikeOpInterface>(user)) {
        views.push_back(user->getResult(0));
        continue;
      }
      auto linalgOp = dyn_cast<linalg::LinalgOp>(user);
      if (linalgOp ? !linalgOp.isDpsInput(&use)
                   : !isa<vector::LoadOp, vector::TransferReadOp,
                          memref::LoadOp, memref::DimOp>(user))
        return false;
    }
  }
  return true;
}

/// The elementwise op that alone writes `buffer` (an allocation of the
/// kernel's own) from one read-only input of the same shape, through
/// identity maps, with a body of ops that apply to vectors as they do to
/// scalars (a refresh's rounding of the master weights), before `reader`:
/// a VNNI pack of the buffer can compute each slice it interleaves from
/// the input itself, and the buffer is never written.
linalg::GenericOp producerOf(Value buffer, linalg::GenericOp reader) {
  auto alloc = buffer.getDefiningOp<memref::AllocOp>();
  if (!alloc)
    return nullptr;
  auto shape = cast<MemRefType>(buffer.getType()).getShape();
  linalg::GenericOp writer;
  for (Operation *user : alloc->getUsers()) {
    if (user == reader.getOperation() || isa<memref::DeallocOp>(user))
      continue;
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (writer || !generic || generic.getNumDpsInputs() != 1 ||
        generic.getDpsInitOperand(0)->get() != buffer ||
        cast<MemRefType>(generic.getDpsInputOperand(0)->get().getType())
                .getShape() != shape ||
        !llvm::all_of(generic.getIndexingMapsArray(),
                      [](AffineMap map) { return map.isIdentity(); }) ||
        !generic.getRegionOutputArgs()[0].use_empty())
      return nullptr;
    writer = generic;
  }
  if (!writer || writer->getBlock() != reader->getBlock() ||
      !writer->isBeforeInBlock(reader) ||
      !isReadOnlyArgument(writer.getDpsInputOperand(0)->get()))
    return nullptr;
  for (Operation &op : writer.getBody()->without_terminator())
    if (!OpTrait::hasElementwiseMappableTraits(&op) || op.getNumRegions() ||
        op.getNumResults() != 1)
      return nullptr;
  return writer;
}

/// `writer`'s body applied to the 16 input elements at (row, column).
Value computeSlice(OpBuilder &b, Location loc, linalg::GenericOp writer,
                   Value row, Value column) {
  auto vectorOf = [](Type scalar) { return VectorType::get({16}, scalar); };
  Value input = writer.getDpsInputOperand(0)->get();
  Block *body = writer.getBody();
  IRMapping mapping;
  mapping.map(body->getArgument(0),
              vector::LoadOp::create(
                  b, loc,
                  vectorOf(cast<MemRefType>(input.getType()).getElementType()),
                  input, ValueRange{row, column}));
  for (Operation &op : body->without_terminator()) {
    // Scalars from outside the body (a scale) apply to every lane.
    for (Value operand : op.getOperands())
      if (!mapping.contains(operand))
        mapping.map(operand, vector::BroadcastOp::create(
                                 b, loc, vectorOf(operand.getType()), operand));
    Operation *clone = b.clone(op, mapping);
    clone->getResult(0).setType(vectorOf(op.getResult(0).getType()));
  }
  return mapping.lookup(body->getTerminator()->getOperand(0));
}

/// A `dps.vnni_pack` copy P[k2, n, v] = B[2 k2 + v, n] (a refresh writing a
/// packed weight copy) or a `dps.vnni_unpack` one, B[k, n] =
/// P[k / 2, n, k % 2], as a loop over pairs of rows that interleaves (or
/// deinterleaves) 16 columns at a time in registers. Elementwise, its
/// reads of P through k / 2 and k % 2 would be one element at a time. An op
/// left as it is (dynamic columns, strided rows) computes the same values.
LogicalResult lowerVNNICopy(RewriterBase &rewriter, linalg::GenericOp op) {
  bool pack = op->hasAttr(DPSDialect::kVNNIPackAttrName);
  Value source = op.getDpsInputOperand(0)->get();
  Value init = op.getDpsInitOperand(0)->get();
  Value packed = pack ? init : source, matrix = pack ? source : init;
  auto packedType = cast<MemRefType>(packed.getType());
  auto matrixType = cast<MemRefType>(matrix.getType());
  int64_t columns = matrixType.getDimSize(1);
  SmallVector<ReassociationIndices> inner = {{0}, {1, 2}};
  bool transposed = copyReadsTransposed(op); // a pack of B^T [n, k]
  if (transposed)
    columns = packedType.getDimSize(1);
  if (!op.hasPureBufferSemantics() || (transposed && !pack) ||
      ShapedType::isDynamic(columns) || columns % 16 != 0 ||
      !matrixType.isLastDimUnitStride() ||
      !memref::CollapseShapeOp::isGuaranteedCollapsible(packedType, inner))
    return failure();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value flat = memref::CollapseShapeOp::create(rewriter, loc, packed, inner);
  Value pairs = memref::DimOp::create(rewriter, loc, packed, 0);
  if (transposed) {
    // P[k2, 2 n + v] = B^T[n, 2 k2 + v]: 16 x 16 blocks of pairs transposed
    // in registers.
    SmallVector<Operation *> transposes;
    emitTransposeCopy(rewriter, loc, matrix, flat, pairs,
                      constantIndex(rewriter, loc, columns), 2, transposes);
    rewriter.eraseOp(op);
    return lowerRegisterTransposes(rewriter.getContext(), transposes);
  }
  linalg::GenericOp producer = pack ? producerOf(matrix, op) : nullptr;
  scf::ForOp loop =
      !pack      ? emitDeinterleave(rewriter, loc, flat, matrix, pairs, columns)
      : producer ? emitInterleave(
                       rewriter, loc, matrix, flat, pairs, columns,
                       [&](OpBuilder &b, Location l, Value row, Value column) {
                         return computeSlice(b, l, producer, row, column);
                       })
                 : emitInterleave(rewriter, loc, matrix, flat, pairs, columns);
  // A first layer's weights (the MLP's 200,704) are shared out.
  if (packedType.hasStaticShape() &&
      packedType.getNumElements() >= kParallelElements)
    loop->setAttr(DPSDialect::kParallelAttrName, rewriter.getUnitAttr());
  rewriter.eraseOp(op);
  if (producer) {
    // The matrix is no longer written nor read.
    Operation *alloc = matrix.getDefiningOp();
    rewriter.eraseOp(producer);
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      rewriter.eraseOp(user);
    rewriter.eraseOp(alloc);
  }
  return success();
}

/// A static op of at least kParallelElements whose outermost loop is a
/// parallel dimension of it.
bool isLargeOverParallelRows(linalg::GenericOp op, ArrayRef<int64_t> ranges) {
  return ranges.size() > 1 && !llvm::any_of(ranges, ShapedType::isDynamic) &&
         computeProduct(ranges) >= kParallelElements &&
         op.getIteratorTypesArray().front() == utils::IteratorType::parallel;
}

/// A tile whose loops all run once but the innermost reads its inputs
/// through the plain dimensions of those maps: a result over the unit
/// loops (an im2col's y + ky, x + kx) is 0 there, as is its first unit
/// dimension. The vectorizer then takes the gather as the copy of one row
/// it is (the CNN's backward im2col ran one scalar load and store per
/// element: 17% of its gradient kernel's time).
void readUnitDimsPlainly(RewriterBase &rewriter, linalg::GenericOp op,
                         ArrayRef<int64_t> ranges) {
  unsigned last = ranges.size() - 1;
  if (llvm::all_of(
          op.getIndexingMapsArray(),
          [](AffineMap map) { return map.isProjectedPermutation(); }) ||
      llvm::any_of(ranges.drop_back(), [](int64_t r) { return r != 1; }))
    return;
  SmallVector<AffineMap> maps;
  for (AffineMap map : op.getIndexingMapsArray()) {
    if (map.isProjectedPermutation()) {
      maps.push_back(map);
      continue;
    }
    llvm::SmallBitVector used(ranges.size());
    SmallVector<AffineExpr> results;
    for (AffineExpr expr : map.getResults()) {
      std::optional<unsigned> dim;
      if (expr.isFunctionOfDim(last)) {
        if (expr != rewriter.getAffineDimExpr(last))
          return; // the vectorized dimension itself is not read plainly
        dim = last;
      } else {
        for (unsigned d = 0; d < last && !dim; ++d)
          if (expr.isFunctionOfDim(d) && !used[d])
            dim = d;
      }
      if (!dim || used[*dim])
        return;
      used.set(*dim);
      results.push_back(rewriter.getAffineDimExpr(*dim));
    }
    maps.push_back(
        AffineMap::get(map.getNumDims(), 0, results, rewriter.getContext()));
  }
  rewriter.modifyOpInPlace(op, [&] {
    op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
  });
}

/// The op that combines a reduction's running value with each element (its
/// yield's operand, one of whose operands is the output's block argument),
/// if it is idempotent (x . x = x): a running value may then start from the
/// output's value in every lane of a vector and be combined lane by lane.
Operation *idempotentCombiner(linalg::GenericOp op) {
  Block *body = op.getBody();
  Value yielded = body->getTerminator()->getOperand(0);
  Operation *combiner = yielded.getDefiningOp();
  if (!combiner || combiner->getBlock() != body ||
      !isa<arith::MaxUIOp, arith::MaxSIOp, arith::MinUIOp, arith::MinSIOp,
           arith::AndIOp, arith::OrIOp, arith::MaximumFOp, arith::MinimumFOp,
           arith::MaxNumFOp, arith::MinNumFOp>(combiner))
    return nullptr;
  Value out = body->getArguments().back();
  if (!out.hasOneUse() || out.getUses().begin()->getOwner() != combiner)
    return nullptr;
  return combiner;
}

/// A reduction of whole buffers into one value (an amax, an overflow
/// check), tiled as it is, combines each `width`-wide slice into the scalar
/// with a tree of shuffles. With an idempotent combiner and an innermost
/// dimension that `width` divides, it becomes
///
///   lanes[j] = out                        for j < width
///   lanes[j] = combine(lanes[j], f(in[..., k, j]))   over every other index
///   out = combine over j of lanes[j]
///
/// with the inputs' innermost dimension split into [.., width]: the slices
/// combine lane by lane, in a register across the loops, and the shuffles
/// run once. (The lane buffer is only ever read and written as one
/// vector, so i1 lanes keep one layout.)
void splitIntoLanes(RewriterBase &rewriter, linalg::GenericOp op,
                    int64_t width) {
  // (At a function's top level: the lanes are a stack buffer.)
  if (!isa<FunctionOpInterface>(op->getParentOp()) ||
      !op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != op.getNumLoops() || op.getNumLoops() == 0)
    return;
  Value out = op.getDpsInitOperand(0)->get();
  auto outType = cast<MemRefType>(out.getType());
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t inner = ranges.back();
  if (outType.getRank() != 0 || ShapedType::isDynamic(inner) ||
      inner % width != 0 ||
      !llvm::all_of(op.getDpsInputs(),
                    [](Value v) {
                      auto type = dyn_cast<MemRefType>(v.getType());
                      return type && type.getLayout().isIdentity();
                    }) ||
      !llvm::all_of(ArrayRef(op.getIndexingMapsArray()).drop_back(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return;
  Operation *combiner = idempotentCombiner(op);
  if (!combiner)
    return;
  // Worth it from two slices on.
  if (!llvm::any_of(ranges, ShapedType::isDynamic) &&
      computeProduct(ranges) < 2 * width)
    return;

  Location loc = op.getLoc();
  MLIRContext *ctx = op.getContext();
  unsigned rank = op.getNumLoops();
  rewriter.setInsertionPoint(op);
  Type element = outType.getElementType();
  auto lanesType = MemRefType::get({width}, element);
  Value lanes = memref::AllocaOp::create(rewriter, loc, lanesType);
  // lanes = broadcast(out), as a generic: vectorized like every other
  // access to the lanes.
  AffineMap scalar = AffineMap::get(1, 0, ctx);
  AffineMap lane = AffineMap::getMultiDimIdentityMap(1, ctx);
  linalg::GenericOp::create(rewriter, loc, ValueRange{out}, ValueRange{lanes},
                            ArrayRef<AffineMap>{scalar, lane},
                            {utils::IteratorType::parallel},
                            [](OpBuilder &b, Location l, ValueRange args) {
                              linalg::YieldOp::create(b, l, args[0]);
                            });

  // The inputs as [..., inner / width, width].
  SmallVector<Value> inputs;
  for (Value input : op.getDpsInputs()) {
    auto type = cast<MemRefType>(input.getType());
    SmallVector<ReassociationIndices> groups;
    for (unsigned d = 0; d + 1 < rank; ++d)
      groups.push_back({int64_t(d)});
    groups.push_back({int64_t(rank - 1), int64_t(rank)});
    SmallVector<OpFoldResult> shape;
    for (unsigned d = 0; d + 1 < rank; ++d)
      shape.push_back(memref::getMixedSize(rewriter, loc, input, d));
    shape.push_back(rewriter.getIndexAttr(inner / width));
    shape.push_back(rewriter.getIndexAttr(width));
    SmallVector<int64_t> staticShape(type.getShape());
    staticShape.back() = inner / width;
    staticShape.push_back(width);
    inputs.push_back(memref::ExpandShapeOp::create(
        rewriter, loc, MemRefType::get(staticShape, type.getElementType()),
        input, groups, shape));
  }
  SmallVector<AffineMap> maps(inputs.size(),
                              AffineMap::getMultiDimIdentityMap(rank + 1, ctx));
  maps.push_back(AffineMap::get(rank + 1, 0, getAffineDimExpr(rank, ctx)));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::reduction);
  iterators.push_back(utils::IteratorType::parallel);
  auto split = linalg::GenericOp::create(rewriter, loc, inputs,
                                         ValueRange{lanes}, maps, iterators);
  rewriter.inlineRegionBefore(op.getRegion(), split.getRegion(),
                              split.getRegion().begin());

  // out = the lanes combined.
  linalg::GenericOp::create(
      rewriter, loc, ValueRange{lanes}, ValueRange{out},
      ArrayRef<AffineMap>{lane, AffineMap::get(1, 0, ctx)},
      {utils::IteratorType::reduction},
      [&](OpBuilder &b, Location l, ValueRange args) {
        OperationState state(l, combiner->getName(),
                             ValueRange{args[1], args[0]}, TypeRange{element},
                             combiner->getAttrs());
        linalg::YieldOp::create(b, l, b.create(state)->getResult(0));
      });
  rewriter.eraseOp(op);
}

constexpr int64_t kCacheLine = 64; // bytes

/// Whether `index` is a multiple of `n`: a constant one, or the induction
/// variable of a loop from a multiple by a multiple.
bool isMultipleOf(OpFoldResult index, int64_t n) {
  if (std::optional<int64_t> constant = getConstantIntValue(index))
    return *constant % n == 0;
  auto value = dyn_cast<Value>(index);
  auto loop = value ? scf::getForInductionVarOwner(value) : scf::ForOp();
  return loop && isMultipleOf(loop.getLowerBound(), n) &&
         isMultipleOf(loop.getStep(), n);
}

/// The `dps.stream` argument that `write` writes whole cache lines of (at
/// a 64-byte aligned base): a write of one row of a multiple of 64 bytes
/// (a vector whose other dimensions are 1), through
/// unit-stride views whose innermost offsets, like the write's, are
/// multiples of a line, into a static row-major buffer whose rows are
/// whole lines.
BlockArgument streamedLines(vector::TransferWriteOp write) {
  VectorType type = write.getVectorType();
  if (type.getRank() == 0 || write.getIndices().empty())
    return nullptr; // a scalar (an overflow flag)
  int64_t bytes = type.getElementTypeBitWidth() / 8;
  if (llvm::any_of(type.getShape().drop_back(),
                   [](int64_t size) { return size != 1; }) ||
      type.isScalable() || bytes == 0 || kCacheLine % bytes != 0 ||
      type.getNumElements() * bytes % kCacheLine != 0 || write.getMask() ||
      !write.getPermutationMap().isMinorIdentity() ||
      llvm::any_of(write.getInBoundsValues(), [](bool b) { return !b; }) ||
      !isMultipleOf(write.getIndices().back(), kCacheLine / bytes))
    return nullptr;
  Value view = write.getBase();
  while (auto subview = view.getDefiningOp<memref::SubViewOp>()) {
    if (subview.getSourceType().getRank() != subview.getType().getRank() ||
        !llvm::all_of(subview.getStaticStrides(),
                      [](int64_t s) { return s == 1; }) ||
        !isMultipleOf(subview.getMixedOffsets().back(), kCacheLine / bytes))
      return nullptr;
    view = subview.getSource();
  }
  auto arg = dyn_cast<BlockArgument>(view);
  auto func = arg ? dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp())
                  : nullptr;
  auto buffer = arg ? dyn_cast<MemRefType>(arg.getType()) : nullptr;
  if (!func ||
      !func.getArgAttr(arg.getArgNumber(), DPSDialect::kStreamAttrName) ||
      !buffer.hasStaticShape() || !buffer.getLayout().isIdentity() ||
      buffer.getElementType() != type.getElementType() ||
      buffer.getShape().back() * bytes % kCacheLine != 0)
    return nullptr;
  return arg;
}

/// Writes of whole cache lines of a `dps.stream` argument become
/// non-temporal stores where the buffer is 64-byte aligned (a test, once
/// per call, picks plain stores otherwise), and the arguments lose the
/// attribute.
void streamStores(FunctionOpInterface func) {
  if (func.isExternal())
    return;
  DenseMap<BlockArgument, Value> aligned;
  SmallVector<std::pair<vector::TransferWriteOp, BlockArgument>> writes;
  func->walk([&](vector::TransferWriteOp write) {
    if (BlockArgument arg = streamedLines(write))
      writes.emplace_back(write, arg);
  });
  for (auto [write, arg] : writes) {
    Location loc = write.getLoc();
    Value &isAligned = aligned[arg];
    if (!isAligned) {
      auto b = OpBuilder::atBlockBegin(arg.getOwner());
      Value pointer =
          memref::ExtractAlignedPointerAsIndexOp::create(b, loc, arg);
      Value line = arith::ConstantIndexOp::create(b, loc, kCacheLine);
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      isAligned = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::eq,
          arith::RemUIOp::create(b, loc, pointer, line), zero);
    }
    OpBuilder b(write);
    VectorType type = write.getVectorType();
    Value row = write.getVector();
    if (type.getRank() > 1)
      row = vector::ShapeCastOp::create(
          b, loc,
          VectorType::get({type.getNumElements()}, type.getElementType()), row);
    auto branch = scf::IfOp::create(b, loc, isAligned, /*withElseRegion=*/true);
    b.setInsertionPointToStart(branch.thenBlock());
    vector::StoreOp::create(b, loc, row, write.getBase(), write.getIndices(),
                            /*nontemporal=*/true, llvm::MaybeAlign(kCacheLine));
    b.setInsertionPointToStart(branch.elseBlock());
    vector::StoreOp::create(b, loc, row, write.getBase(), write.getIndices());
    write.erase();
  }
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    func.removeArgAttr(i, DPSDialect::kStreamAttrName);
}

struct DPSVectorizeElementwisePass
    : public dps::impl::DPSVectorizeElementwiseBase<
          DPSVectorizeElementwisePass> {
  using DPSVectorizeElementwiseBase::DPSVectorizeElementwiseBase;

  void runOnOperation() override {
    Operation *root = getOperation();
    IRRewriter rewriter(&getContext());

    SmallVector<linalg::GenericOp> ops;
    root->walk([&](linalg::GenericOp op) {
      if (op->hasAttr(DPSDialect::kVNNIPackAttrName) ||
          op->hasAttr(DPSDialect::kVNNIUnpackAttrName))
        ops.push_back(op);
    });
    for (linalg::GenericOp op : ops)
      (void)lowerVNNICopy(rewriter, op);
    ops.clear();
    root->walk([&](linalg::GenericOp op) {
      if (isElementwise(op))
        ops.push_back(op);
    });
    for (linalg::GenericOp op : ops)
      splitIntoLanes(rewriter, op, width);
    ops.clear();
    root->walk([&](linalg::GenericOp op) {
      if (isElementwise(op))
        ops.push_back(op);
    });
    for (linalg::GenericOp op : ops) {
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      if (!llvm::any_of(ranges, ShapedType::isDynamic) &&
          computeProduct(ranges) <= width) {
        vectorizeIfStatic(rewriter, op); // small and static: as it is
        continue;
      }
      SmallVector<int64_t> sizes(ranges.size(), 1);
      sizes.back() = ShapedType::isDynamic(ranges.back())
                         ? width
                         : std::min<int64_t>(width, ranges.back());
      bool shareRows = isLargeOverParallelRows(op, ranges);
      FailureOr<scf::SCFTilingResult> tiled =
          tileWithLoops(rewriter, op, sizes);
      if (failed(tiled))
        return signalPassFailure();
      if (tiled->loops.empty())
        continue;
      // Rows write disjoint slices: the threads share a large op's rows.
      if (shareRows && tiled->loops.size() > 1)
        tiled->loops.front()->setAttr(DPSDialect::kParallelAttrName,
                                      rewriter.getUnitAttr());
      peelPartialIteration(rewriter, tiled->loops.back());
    }
    if (failed(simplifyVectorized(root)))
      return signalPassFailure();

    ops.clear();
    root->walk([&](linalg::GenericOp op) {
      if (isElementwise(op))
        ops.push_back(op);
    });
    for (linalg::GenericOp op : ops) {
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      if (!llvm::any_of(ranges, ShapedType::isDynamic))
        readUnitDimsPlainly(rewriter, op, ranges);
      vectorizeIfStatic(rewriter, op);
    }
    if (failed(simplifyVectorized(root)))
      return signalPassFailure();
    if (failed(lowerReductions(root)))
      return signalPassFailure();
    keepReductionsInRegisters(root);
    root->walk([](FunctionOpInterface func) { streamStores(func); });
  }

  /// A reduction into a scalar (an overflow check's `and`, an amax) reads
  /// and writes its 0-d buffer once per slice: a dependency through memory
  /// (store, then load) on every iteration. Each write is forwarded to the
  /// read after it (a peeled slice's), then upstream's hoisting carries the
  /// value through the loops. Upstream warns that the hoisting does not
  /// model parallel loops: it moves a read and write of one element out of
  /// a loop, which no loop marked parallel here does (all of its iterations
  /// updating one element would be a race already), so it never moves one
  /// out of a shared loop. (It rebuilds loops, the root's too: it runs on
  /// the function, not on a loop it may replace.)
  static void keepReductionsInRegisters(Operation *root) {
    IRRewriter rewriter(root->getContext());
    vector::transferOpflowOpt(rewriter, root);
    linalg::hoistRedundantVectorTransfers(root);
  }

  /// A slice reduced over its innermost dimension (amax, overflow checks,
  /// the loss's row sums; a whole slice when all of it reduces) becomes one
  /// vector.reduction, a tree of shuffles, not upstream's default of one
  /// scalar op per element in a chain (64 dependent ops per slice: the f8
  /// refresh spent 45% of its time there). Slices reduced over an outer
  /// dimension (bias gradients' sums down the rows) stay elementwise
  /// across the slice.
  static LogicalResult lowerReductions(Operation *root) {
    SmallVector<Operation *> inner, outer;
    root->walk([&](vector::MultiDimReductionOp op) {
      int64_t last = op.getSourceVectorType().getRank() - 1;
      (op.isReducedDim(last) ? inner : outer).push_back(op);
    });
    auto lower = [&](ArrayRef<Operation *> ops,
                     vector::VectorMultiReductionLowering strategy) {
      RewritePatternSet patterns(root->getContext());
      vector::populateVectorMultiReductionLoweringPatterns(patterns, strategy);
      return applyOpPatternsGreedily(ops, std::move(patterns));
    };
    if (failed(
            lower(inner, vector::VectorMultiReductionLowering::InnerReduction)))
      return failure();
    return lower(outer, vector::VectorMultiReductionLowering::InnerParallel);
  }
};

} // namespace
