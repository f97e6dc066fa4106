//===- MapKernelsToGPU.cpp - bufferized kernels as GPU launches -----------===//
//
// After bufferization a kernel is a sequence of linalg ops on memrefs (and
// the tensor-core launches of dps-gpu-tensor-core-contractions). Here:
//  1. splat constants (bufferized to globals) are filled on the device, and
//     memref.copy becomes linalg.copy;
//  2. each linalg op becomes loops with its parallel dimensions outermost
//     (one scf.parallel) and its reductions inside (scf.for); a large
//     reduction of everything into a scalar (amax, the overflow checks)
//     becomes 1024 partial results in parallel, then their combination;
//  3. each top-level scf.parallel becomes a launch of one thread per
//     iteration, and each run of other memory-touching ops a single-thread
//     launch; side-effect-free index arithmetic on host values stays on the
//     host, where the launch sizes need it;
//  4. scalars computed in one launch and read in another go through
//     one-element device buffers;
//  5. the kernel's allocations become gpu.alloc / gpu.dealloc;
//  6. exp, log, sin, cos, ... become polynomial approximations, so the
//     kernels call nothing (no libdevice needed to make PTX).
// Launches run in program order, so the result computes what the kernel did.
//
//===----------------------------------------------------------------------===//
#include "dps/Conversion/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

#include <limits>

namespace mlir::dps {
#define GEN_PASS_DEF_DPSMAPKERNELSTOGPU
#include "dps/Conversion/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {

constexpr int64_t kThreadsPerBlock = 256;

Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// The indices of row-major position `linear` in a space of `extents`
/// (the last dimension varies fastest).
SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value linear,
                               ArrayRef<Value> extents) {
  SmallVector<Value> indices(extents.size());
  for (int64_t d = int64_t(extents.size()) - 1; d > 0; --d) {
    indices[d] = arith::RemUIOp::create(b, loc, linear, extents[d]);
    linear = arith::DivUIOp::create(b, loc, linear, extents[d]);
  }
  indices[0] = linear;
  return indices;
}

/// Step 1: splat globals become device buffers filled in place; non-splat
/// ones are an error. Deallocations go before the function's return.
LogicalResult materializeConstants(func::FuncOp func) {
  auto module = func->getParentOfType<ModuleOp>();
  SmallVector<memref::GetGlobalOp> uses;
  func.walk([&](memref::GetGlobalOp op) { uses.push_back(op); });
  Operation *terminator = func.getBody().back().getTerminator();
  for (memref::GetGlobalOp use : uses) {
    auto global = module.lookupSymbol<memref::GlobalOp>(use.getNameAttr());
    auto value = global ? dyn_cast_or_null<DenseElementsAttr>(
                              global.getInitialValueAttr())
                        : DenseElementsAttr();
    if (!value || !value.isSplat())
      return use.emitError()
             << "GPU kernels cannot read the host constant @"
             << use.getName()
             << " (only splat constants are filled on the device)";
    OpBuilder b(use);
    Location loc = use.getLoc();
    auto type = cast<MemRefType>(use.getType());
    Value buffer = memref::AllocOp::create(b, loc, type);
    Value splat = arith::ConstantOp::create(
        b, loc, cast<TypedAttr>(value.getSplatValue<Attribute>()));
    linalg::FillOp::create(b, loc, ValueRange{splat}, ValueRange{buffer});
    use.replaceAllUsesWith(buffer);
    use.erase();
    b.setInsertionPoint(terminator);
    memref::DeallocOp::create(b, loc, buffer);
  }
  return success();
}

/// The full reductions worth spreading over threads: at least this many
/// elements (or a dynamic count).
constexpr int64_t kSplitReductionMinimum = 2048;
/// Partial results a split reduction computes in parallel.
constexpr int64_t kSplitReductionPartials = 1024;

/// The identity of an associative, commutative combiner, or none.
std::optional<TypedAttr> combinerIdentity(Operation *combiner) {
  Type type = combiner->getResult(0).getType();
  Builder b(combiner->getContext());
  auto floatValue = [&](double v) -> TypedAttr {
    return b.getFloatAttr(type, v);
  };
  auto intValue = [&](llvm::APInt v) -> TypedAttr {
    return b.getIntegerAttr(type, v);
  };
  unsigned width = type.isIntOrIndex() ? type.getIntOrFloatBitWidth() : 0;
  double inf = std::numeric_limits<double>::infinity();
  return llvm::TypeSwitch<Operation *, std::optional<TypedAttr>>(combiner)
      .Case<arith::AddFOp>([&](auto) { return floatValue(0); })
      .Case<arith::MaximumFOp, arith::MaxNumFOp>(
          [&](auto) { return floatValue(-inf); })
      .Case<arith::MinimumFOp, arith::MinNumFOp>(
          [&](auto) { return floatValue(inf); })
      .Case<arith::AddIOp, arith::OrIOp, arith::XOrIOp, arith::MaxUIOp>(
          [&](auto) { return intValue(llvm::APInt::getZero(width)); })
      .Case<arith::AndIOp, arith::MinUIOp>(
          [&](auto) { return intValue(llvm::APInt::getAllOnes(width)); })
      .Case<arith::MaxSIOp>(
          [&](auto) { return intValue(llvm::APInt::getSignedMinValue(width)); })
      .Case<arith::MinSIOp>(
          [&](auto) { return intValue(llvm::APInt::getSignedMaxValue(width)); })
      .Default([](Operation *) { return std::nullopt; });
}

/// A reduction of everything into a scalar, `out = combine(out, f(inputs))`
/// with an associative and commutative `combine` (amax, the overflow
/// checks' all-finite, loss sums), becomes `kSplitReductionPartials` partial
/// results computed in parallel (each over a fixed, strided share of the
/// elements, so the result does not depend on the threads' timing) and
/// combined into `out` afterwards. Sums then add in another order than on
/// the CPU. Returns false (op untouched) for anything else.
bool splitFullReduction(IRRewriter &rewriter, linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != op.getNumLoops() || op.getNumLoops() == 0)
    return false;
  OpOperand *init = op.getDpsInitOperand(0);
  auto outType = dyn_cast<MemRefType>(init->get().getType());
  if (!outType || outType.getRank() != 0 ||
      op.getMatchingIndexingMap(init).getNumResults() != 0)
    return false;
  for (OpOperand *input : op.getDpsInputOperands())
    if (!isa<MemRefType>(input->get().getType()) ||
        !op.getMatchingIndexingMap(input).isProjectedPermutation())
      return false;
  Block &body = *op.getBlock();
  BlockArgument outArg = op.getMatchingBlockArgument(init);
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  Operation *combiner = yield.getValues()[0].getDefiningOp();
  if (!combiner || combiner->getNumOperands() != 2 || !outArg.hasOneUse() ||
      outArg.getUses().begin()->getOwner() != combiner ||
      !combinerIdentity(combiner))
    return false;
  Value contribution = combiner->getOperand(0) == outArg
                           ? combiner->getOperand(1)
                           : combiner->getOperand(0);

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  SmallVector<Value> extents;
  Value total = indexConstant(rewriter, loc, 1);
  for (Range range : cast<linalg::LinalgOp>(op.getOperation())
                          .createLoopRanges(rewriter, loc)) {
    Value extent = getValueOrCreateConstantIndexOp(rewriter, loc, range.size);
    extents.push_back(extent);
    total = rewriter.createOrFold<arith::MulIOp>(loc, total, extent);
  }
  std::optional<int64_t> staticTotal = getConstantIntValue(total);
  if (staticTotal && *staticTotal < kSplitReductionMinimum)
    return false;

  Type type = outType.getElementType();
  Value partials = memref::AllocOp::create(
      rewriter, loc, MemRefType::get({kSplitReductionPartials}, type));
  Value count = indexConstant(rewriter, loc, kSplitReductionPartials);
  Value zero = indexConstant(rewriter, loc, 0);
  Value one = indexConstant(rewriter, loc, 1);
  Value identity =
      arith::ConstantOp::create(rewriter, loc, *combinerIdentity(combiner));
  // Partial t combines elements t, t + count, t + 2 count, ...
  auto parallel = scf::ParallelOp::create(
      rewriter, loc, ValueRange{zero}, ValueRange{count}, ValueRange{one});
  rewriter.setInsertionPointToStart(parallel.getBody());
  Value t = parallel.getInductionVars()[0];
  auto loop = scf::ForOp::create(rewriter, loc, t, total, count,
                                 ValueRange{identity});
  rewriter.setInsertionPointToStart(loop.getBody());
  SmallVector<Value> ivs =
      delinearize(rewriter, loc, loop.getInductionVar(), extents);
  IRMapping mapping;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    SmallVector<Value> indices;
    for (unsigned i = 0; i < map.getNumResults(); ++i)
      indices.push_back(ivs[map.getDimPosition(i)]);
    mapping.map(op.getMatchingBlockArgument(input),
                memref::LoadOp::create(rewriter, loc, input->get(), indices));
  }
  mapping.map(outArg, loop.getRegionIterArgs()[0]);
  for (Operation &bodyOp : body.without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(bodyOp)) {
      mapping.map(index.getResult(), ivs[index.getDim()]);
      continue;
    }
    rewriter.clone(bodyOp, mapping);
  }
  scf::YieldOp::create(rewriter, loc,
                       mapping.lookup(combiner->getResult(0)));
  rewriter.setInsertionPointAfter(loop);
  memref::StoreOp::create(rewriter, loc, loop.getResult(0), partials,
                          ValueRange{t});

  // out = combine(out, partial 0, ..., partial count - 1).
  rewriter.setInsertionPointAfter(parallel);
  Value out = init->get();
  Value initial = memref::LoadOp::create(rewriter, loc, out);
  auto combine = scf::ForOp::create(rewriter, loc, zero, count, one,
                                    ValueRange{initial});
  rewriter.setInsertionPointToStart(combine.getBody());
  Value partial = memref::LoadOp::create(rewriter, loc, partials,
                                         ValueRange{combine.getInductionVar()});
  IRMapping combining;
  combining.map(outArg, combine.getRegionIterArgs()[0]);
  combining.map(contribution, partial);
  Operation *combined = rewriter.clone(*combiner, combining);
  scf::YieldOp::create(rewriter, loc, combined->getResult(0));
  rewriter.setInsertionPointAfter(combine);
  memref::StoreOp::create(rewriter, loc, combine.getResult(0), out);
  memref::DeallocOp::create(rewriter, loc, partials);
  rewriter.eraseOp(op);
  return true;
}

/// Step 2: every linalg op (and memref.copy) becomes loops, parallel
/// dimensions outermost.
LogicalResult lowerToLoops(func::FuncOp func) {
  IRRewriter rewriter(func.getContext());
  SmallVector<memref::CopyOp> copies;
  func.walk([&](memref::CopyOp op) {
    if (!op->getParentOfType<gpu::LaunchOp>())
      copies.push_back(op);
  });
  for (memref::CopyOp copy : copies) {
    rewriter.setInsertionPoint(copy);
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                copy.getTarget());
  }

  SmallVector<linalg::LinalgOp> ops;
  func.walk([&](linalg::LinalgOp op) {
    if (!op->getParentOfType<gpu::LaunchOp>())
      ops.push_back(op);
  });
  for (linalg::LinalgOp op : ops) {
    if (auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
        generic && splitFullReduction(rewriter, generic))
      continue;
    rewriter.setInsertionPoint(op);
    auto types = op.getIteratorTypesArray();
    SmallVector<unsigned> order;
    for (auto [i, type] : llvm::enumerate(types))
      if (type == utils::IteratorType::parallel)
        order.push_back(i);
    for (auto [i, type] : llvm::enumerate(types))
      if (type != utils::IteratorType::parallel)
        order.push_back(i);
    if (!llvm::is_sorted(order)) {
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized))
          return op.emitError("cannot generalize this op for the GPU");
        generic = *generalized;
      }
      FailureOr<linalg::GenericOp> interchanged =
          linalg::interchangeGenericOp(rewriter, generic, order);
      if (failed(interchanged))
        return generic.emitError("cannot reorder this op's loops");
      op = *interchanged;
    }
    if (failed(linalg::linalgOpToParallelLoops(rewriter, op)))
      return op.emitError("cannot lower this op to loops for the GPU");
    rewriter.eraseOp(op);
  }
  return success();
}

/// Where a top-level op of a kernel runs.
enum class Placement {
  Host,     // index arithmetic on host values, views: stays on the host
  Boundary, // allocation, deallocation, a launch, the return
  Parallel, // a top-level scf.parallel: its own launch
  Serial,   // anything else touching memory: a single-thread launch
};

Placement place(Operation *op, const DenseSet<Value> &hostValues) {
  if (isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp,
          gpu::LaunchOp>(op) ||
      op->hasTrait<OpTrait::IsTerminator>())
    return Placement::Boundary;
  if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
    bool hostBounds = llvm::all_of(loop.getOperands(), [&](Value v) {
      return hostValues.contains(v);
    });
    if (loop.getNumResults() == 0 && hostBounds)
      return Placement::Parallel;
    return Placement::Serial;
  }
  if (op->getNumRegions() == 0 && isMemoryEffectFree(op) &&
      llvm::all_of(op->getOperands(),
                   [&](Value v) { return hostValues.contains(v); }))
    return Placement::Host;
  return Placement::Serial;
}

/// A launch with the given sizes, its body empty but for the terminator;
/// the builder is left at the start of the body.
gpu::LaunchOp createLaunch(OpBuilder &b, Location loc, Value blocks,
                           Value threads) {
  Value one = indexConstant(b, loc, 1);
  auto launch =
      gpu::LaunchOp::create(b, loc, blocks, one, one, threads, one, one);
  b.setInsertionPointToStart(&launch.getBody().front());
  gpu::TerminatorOp::create(b, loc);
  b.setInsertionPointToStart(&launch.getBody().front());
  return launch;
}

/// Step 3, serial: moves `ops` (in order) into a single-thread launch
/// placed after the last of them.
void launchSerially(ArrayRef<Operation *> ops) {
  Operation *last = ops.back();
  OpBuilder b(last->getContext());
  b.setInsertionPointAfter(last);
  Value one = indexConstant(b, last->getLoc(), 1);
  gpu::LaunchOp launch = createLaunch(b, last->getLoc(), one, one);
  Operation *terminator = launch.getBody().front().getTerminator();
  for (Operation *op : ops)
    op->moveBefore(terminator);
}

/// Step 3, parallel: one thread per iteration of `loop`, its iteration
/// space flattened (the last dimension varies fastest).
void launchInParallel(scf::ParallelOp loop) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  SmallVector<Value> trips;
  Value total = indexConstant(b, loc, 1);
  for (auto [lb, ub, step] : llvm::zip(loop.getLowerBound(),
                                       loop.getUpperBound(), loop.getStep())) {
    Value extent = b.createOrFold<arith::SubIOp>(loc, ub, lb);
    Value trip = b.createOrFold<arith::CeilDivUIOp>(loc, extent, step);
    trips.push_back(trip);
    total = b.createOrFold<arith::MulIOp>(loc, total, trip);
  }
  std::optional<int64_t> staticTotal = getConstantIntValue(total);
  int64_t threads = kThreadsPerBlock;
  if (staticTotal && *staticTotal > 0 && *staticTotal < threads)
    threads = *staticTotal;
  Value threadCount = indexConstant(b, loc, threads);
  Value blocks = b.createOrFold<arith::CeilDivUIOp>(loc, total, threadCount);
  gpu::LaunchOp launch = createLaunch(b, loc, blocks, threadCount);

  Value id = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x, threadCount),
      launch.getThreadIds().x);
  Value live =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, id, total);
  auto guard = scf::IfOp::create(b, loc, live, /*withElseRegion=*/false);
  b.setInsertionPointToStart(&guard.getThenRegion().front());
  IRMapping mapping;
  for (auto [d, position] : llvm::enumerate(delinearize(b, loc, id, trips))) {
    Value iv = arith::AddIOp::create(
        b, loc, loop.getLowerBound()[d],
        arith::MulIOp::create(b, loc, position, loop.getStep()[d]));
    mapping.map(loop.getInductionVars()[d], iv);
  }
  for (Operation &op : loop.getBody()->without_terminator())
    b.clone(op, mapping);
  loop.erase();
}

/// Step 3 for one function.
void partitionIntoLaunches(func::FuncOp func) {
  DenseSet<Value> hostValues(func.getArguments().begin(),
                             func.getArguments().end());
  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front())
    ops.push_back(&op);
  SmallVector<Operation *> serial;
  auto flush = [&] {
    if (!serial.empty())
      launchSerially(serial);
    serial.clear();
  };
  for (Operation *op : ops) {
    switch (place(op, hostValues)) {
    case Placement::Host:
      hostValues.insert(op->result_begin(), op->result_end());
      break;
    case Placement::Boundary:
      flush();
      hostValues.insert(op->result_begin(), op->result_end());
      break;
    case Placement::Parallel:
      flush();
      launchInParallel(cast<scf::ParallelOp>(op));
      break;
    case Placement::Serial:
      serial.push_back(op);
      break;
    }
  }
  flush();
}

/// Step 4: a value defined in one launch and used in another is stored to
/// a one-element buffer after its definition and loaded at the start of
/// each launch that reads it. A host op reading it is an error.
LogicalResult spillAcrossLaunches(func::FuncOp func) {
  Block &entry = func.getBody().front();
  Operation *terminator = entry.getTerminator();
  DenseMap<Value, Value> spills; // value -> its buffer
  auto spill = [&](Value value) -> Value {
    auto it = spills.find(value);
    if (it != spills.end())
      return it->second;
    OpBuilder b(func.getContext());
    b.setInsertionPointToStart(&entry);
    Location loc = value.getLoc();
    Value buffer = memref::AllocOp::create(
        b, loc, MemRefType::get({}, value.getType()));
    b.setInsertionPoint(terminator);
    memref::DeallocOp::create(b, loc, buffer);
    b.setInsertionPointAfterValue(value);
    memref::StoreOp::create(b, loc, value, buffer);
    return spills[value] = buffer;
  };

  for (auto launch : llvm::to_vector(entry.getOps<gpu::LaunchOp>())) {
    // Values this launch reads that another launch defines.
    SetVector<Value> imported;
    launch.getBody().walk([&](Operation *op) {
      for (Value operand : op->getOperands()) {
        // Launches do not nest: the innermost one around a value made it.
        auto producer =
            operand.getParentRegion()->getParentOfType<gpu::LaunchOp>();
        if (producer && producer != launch)
          imported.insert(operand);
      }
    });
    OpBuilder b(func.getContext());
    b.setInsertionPointToStart(&launch.getBody().front());
    for (Value value : imported) {
      Value loaded = memref::LoadOp::create(b, value.getLoc(), spill(value));
      value.replaceUsesWithIf(loaded, [&](OpOperand &use) {
        return launch->isProperAncestor(use.getOwner());
      });
    }
  }

  // Host code may not read what a launch computed.
  for (Operation &op : entry) {
    if (isa<gpu::LaunchOp>(op))
      continue;
    for (Value operand : op.getOperands())
      if (operand.getParentRegion() != &func.getBody())
        return op.emitError()
               << "the host part of a GPU kernel needs a value computed on "
                  "the device";
  }
  return success();
}

/// Step 5.
void allocateOnDevice(func::FuncOp func) {
  SmallVector<Operation *> ops;
  Block &entry = func.getBody().front();
  for (Operation &op : entry)
    if (isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp>(op))
      ops.push_back(&op);
  IRRewriter rewriter(func.getContext());
  auto allocate = [&](Operation *op, MemRefType type, ValueRange sizes,
                      ValueRange symbols) {
    rewriter.setInsertionPoint(op);
    auto device = gpu::AllocOp::create(rewriter, op->getLoc(), type,
                                       /*asyncToken=*/Type(), ValueRange{},
                                       sizes, symbols, /*hostShared=*/false);
    rewriter.replaceOp(op, device.getMemref());
    return device.getMemref();
  };
  for (Operation *op : ops) {
    rewriter.setInsertionPoint(op);
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      allocate(op, alloc.getType(), alloc.getDynamicSizes(),
               alloc.getSymbolOperands());
    } else if (auto alloca = dyn_cast<memref::AllocaOp>(op)) {
      // A stack buffer of the host function: freed when it returns.
      Value buffer = allocate(op, alloca.getType(), alloca.getDynamicSizes(),
                              alloca.getSymbolOperands());
      rewriter.setInsertionPoint(entry.getTerminator());
      gpu::DeallocOp::create(rewriter, buffer.getLoc(), /*asyncToken=*/Type(),
                             ValueRange{}, buffer);
    } else {
      auto dealloc = cast<memref::DeallocOp>(op);
      gpu::DeallocOp::create(rewriter, dealloc.getLoc(), /*asyncToken=*/Type(),
                             ValueRange{}, dealloc.getMemref());
      rewriter.eraseOp(dealloc);
    }
  }
}

/// Step 6's math.floor (the approximations' range reduction), exactly and
/// without libdevice (convert-gpu-to-nvvm would call __nv_floorf): below
/// 2^23 in magnitude through an integer conversion, stepping down where
/// that rounded up; larger values, infinities and NaN are their own floor.
struct FloorWithoutLibdevice : OpRewritePattern<math::FloorOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::FloorOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getType().isF32())
      return failure();
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Type f32 = rewriter.getF32Type(), i32 = rewriter.getI32Type();
    auto constant = [&](float v) -> Value {
      return arith::ConstantOp::create(rewriter, loc,
                                       rewriter.getF32FloatAttr(v));
    };
    Value truncated = math::CopySignOp::create(
        rewriter, loc,
        arith::SIToFPOp::create(rewriter, loc, f32,
                                arith::FPToSIOp::create(rewriter, loc, i32, x)),
        x);
    Value roundedUp = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::OGT, truncated, x);
    Value floor = arith::SelectOp::create(
        rewriter, loc, roundedUp,
        arith::SubFOp::create(rewriter, loc, truncated, constant(1.0f)),
        truncated);
    Value small = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::OLT,
        math::AbsFOp::create(rewriter, loc, x), constant(8388608.0f));
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, small, floor, x);
    return success();
  }
};

/// Step 6's sign manipulations as integer code on the bits (convert-gpu-to-
/// nvvm would call libdevice's __nv_fabsf / __nv_copysignf).
struct SignBitsWithoutLibdevice : RewritePattern {
  SignBitsWithoutLibdevice(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}
  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<math::AbsFOp, math::CopySignOp>(op) ||
        !op->getResult(0).getType().isF32())
      return failure();
    Location loc = op->getLoc();
    Type i32 = rewriter.getI32Type();
    auto bits = [&](Value v) -> Value {
      return arith::BitcastOp::create(rewriter, loc, i32, v);
    };
    auto mask = [&](uint32_t m) -> Value {
      return arith::ConstantIntOp::create(rewriter, loc, i32, int64_t(m));
    };
    Value magnitude =
        arith::AndIOp::create(rewriter, loc, bits(op->getOperand(0)),
                              mask(0x7FFFFFFFu));
    if (isa<math::CopySignOp>(op))
      magnitude = arith::OrIOp::create(
          rewriter, loc, magnitude,
          arith::AndIOp::create(rewriter, loc, bits(op->getOperand(1)),
                                mask(0x80000000u)));
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(
        op, op->getResult(0).getType(), magnitude);
    return success();
  }
};

struct DPSMapKernelsToGPUPass
    : public dps::impl::DPSMapKernelsToGPUBase<DPSMapKernelsToGPUPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (func.isExternal())
        continue;
      if (!func.getBody().hasOneBlock()) {
        func.emitError("GPU kernels must be a single block (no control flow "
                       "between their ops)");
        return signalPassFailure();
      }
      if (failed(materializeConstants(func)) || failed(lowerToLoops(func)))
        return signalPassFailure();
      partitionIntoLaunches(func);
      if (failed(spillAcrossLaunches(func)))
        return signalPassFailure();
      allocateOnDevice(func);
    }
    RewritePatternSet patterns(module.getContext());
    populateMathPolynomialApproximationPatterns(
        patterns, [](StringRef) { return true; });
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return signalPassFailure();
    RewritePatternSet floors(module.getContext());
    floors.add<FloorWithoutLibdevice, SignBitsWithoutLibdevice>(
        module.getContext());
    if (failed(applyPatternsGreedily(module, std::move(floors))))
      return signalPassFailure();
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                     UnitAttr::get(module.getContext()));
  }
};

} // namespace
