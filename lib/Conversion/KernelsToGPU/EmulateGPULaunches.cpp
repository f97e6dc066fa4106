//===- EmulateGPULaunches.cpp - gpu.launch as CPU loops, for tests --------===//
//
// Each launch becomes six nested loops (grid z, y, x, block z, y, x) whose
// body is the launch's, with block and thread ids the induction variables;
// device buffers become host buffers. The kernels dps-map-kernels-to-gpu
// makes have independent threads, so running them one after another computes
// what the GPU would (the order of threads does not matter to them).
//
//===----------------------------------------------------------------------===//
#include "dps/Conversion/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::dps {
#define GEN_PASS_DEF_DPSTESTEMULATEGPULAUNCHES
#include "dps/Conversion/Passes.h.inc"
} // namespace mlir::dps

using namespace mlir;
using namespace mlir::dps;

namespace {

void emulate(gpu::LaunchOp launch) {
  OpBuilder b(launch);
  Location loc = launch.getLoc();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  // (z, y, x) of the grid, then of the block: outermost loop first.
  auto zyx = [](gpu::KernelDim3 d) {
    return std::array<Value, 3>{d.z, d.y, d.x};
  };
  auto concat = [&](gpu::KernelDim3 a, gpu::KernelDim3 c) {
    return llvm::to_vector(llvm::concat<Value>(zyx(a), zyx(c)));
  };
  SmallVector<Value> bounds = concat(launch.getGridSizeOperandValues(),
                                     launch.getBlockSizeOperandValues());
  SmallVector<Value> ids = concat(launch.getBlockIds(), launch.getThreadIds());
  SmallVector<Value> sizeArgs =
      concat(launch.getGridSize(), launch.getBlockSize());
  IRMapping mapping;
  mapping.map(sizeArgs, bounds);
  for (auto [id, bound] : llvm::zip(ids, bounds)) {
    auto loop = scf::ForOp::create(b, loc, zero, bound, one);
    mapping.map(id, loop.getInductionVar());
    b.setInsertionPointToStart(loop.getBody());
  }
  for (Operation &op : launch.getBody().front().without_terminator())
    b.clone(op, mapping);
  launch.erase();
}

struct DPSTestEmulateGPULaunchesPass
    : public dps::impl::DPSTestEmulateGPULaunchesBase<
          DPSTestEmulateGPULaunchesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    WalkResult warpWide = module.walk([](NVVM::MmaOp op) {
      op.emitError("a tensor-core launch cannot run thread by thread (map "
                   "for a chip without tensor cores, e.g. sm_75)");
      return WalkResult::interrupt();
    });
    if (warpWide.wasInterrupted())
      return signalPassFailure();
    SmallVector<gpu::LaunchOp> launches;
    module.walk([&](gpu::LaunchOp op) { launches.push_back(op); });
    for (gpu::LaunchOp launch : launches)
      if (launch.getAsyncToken() || !launch.getAsyncDependencies().empty() ||
          launch.getDynamicSharedMemorySize()) {
        launch.emitError("only synchronous launches without shared memory "
                         "are emulated");
        return signalPassFailure();
      }
    for (gpu::LaunchOp launch : launches)
      emulate(launch);

    IRRewriter rewriter(&getContext());
    module.walk([&](gpu::AllocOp alloc) {
      rewriter.setInsertionPoint(alloc);
      rewriter.replaceOpWithNewOp<memref::AllocOp>(
          alloc, alloc.getType(), alloc.getDynamicSizes(),
          alloc.getSymbolOperands());
    });
    module.walk([&](gpu::DeallocOp dealloc) {
      rewriter.setInsertionPoint(dealloc);
      memref::DeallocOp::create(rewriter, dealloc.getLoc(),
                                dealloc.getMemref());
      rewriter.eraseOp(dealloc);
    });
    module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());
  }
};

} // namespace
