//===- TrainStepHarness.cpp - run a train step's kernels in tests ----------===//
#include "dps/Testing/TrainStepHarness.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"
#include "dps/Pipelines/Pipelines.h"

#include "mlir/Pass/PassManager.h"

#include <cstring>

using namespace mlir;
using namespace mlir::dps;

float mlir::dps::bitsOf(int32_t value) {
  float result;
  std::memcpy(&result, &value, sizeof(result));
  return result;
}

FailureOr<std::unique_ptr<TrainStepHarness>>
TrainStepHarness::compile(ModuleOp model, llvm::StringRef stepName) {
  MLIRContext *ctx = model.getContext();
  std::unique_ptr<TrainStepHarness> harness(new TrainStepHarness());

  // The ABI, read off the expanded dps IR.
  OwningOpRef<ModuleOp> expanded = model.clone();
  PassManager autodiff(ctx);
  autodiff.addPass(createDPSAutodiff());
  if (failed(autodiff.run(*expanded)))
    return failure();
  FailureOr<KernelManifest> manifest =
      buildKernelManifest(*expanded, stepName);
  if (failed(manifest))
    return failure();
  harness->kernelManifest = std::move(*manifest);
  for (TrainStepOp step : model.getOps<TrainStepOp>())
    if (step.getSymName() == harness->kernelManifest.trainStep)
      harness->trainStep = step;

  for (const KernelInfo &kernel : harness->kernelManifest.kernels)
    for (const KernelArg &arg : kernel.args) {
      if (arg.shape.empty())
        continue;
      if (arg.elementType != "f32" && arg.elementType != "i32")
        return model.emitError()
               << "the test harness runs f32 kernels; argument '" << arg.name
               << "' of " << kernel.name << " is " << arg.elementType;
      int64_t count = 1;
      for (int64_t dim : arg.shape)
        count *= dim;
      harness->buffers[arg.name].resize(count);
    }

  // The kernels, compiled.
  OwningOpRef<ModuleOp> lowered = model.clone();
  PassManager pipeline(ctx);
  buildLowerToLLVMPipeline(pipeline, LowerToLLVMOptions());
  if (failed(pipeline.run(*lowered)))
    return failure();
  auto jit = ::dps::JitModule::compile(*lowered);
  if (!jit)
    return model.emitError() << "JIT compilation failed: "
                             << llvm::toString(jit.takeError());
  harness->jit = std::move(*jit);
  return harness;
}

const KernelInfo &TrainStepHarness::kernel(KernelKind kind) const {
  for (const KernelInfo &kernel : kernelManifest.kernels)
    if (kernel.kind == kind && kernel.precision == "f32")
      return kernel;
  llvm_unreachable("dps-autodiff derives an f32 kernel of every kind");
}

std::vector<float> &TrainStepHarness::buffer(llvm::StringRef name) {
  auto it = buffers.find(name);
  assert(it != buffers.end() && "no kernel argument of that name");
  return it->second;
}

std::vector<std::string> TrainStepHarness::names(KernelKind kind,
                                                 ArgRole role) const {
  std::vector<std::string> result;
  for (const KernelArg &arg : kernel(kind).args)
    if (arg.role == role)
      result.push_back(arg.name);
  return result;
}

LogicalResult TrainStepHarness::call(KernelKind kind, int64_t rows,
                                     int64_t stepIndex, int64_t totalSteps) {
  const KernelInfo &info = kernel(kind);
  ::dps::KernelArguments args;
  for (const KernelArg &arg : info.args) {
    switch (arg.role) {
    case ArgRole::rows:
      args.index(rows);
      break;
    case ArgRole::step:
      args.index(stepIndex);
      break;
    case ArgRole::total_steps:
      args.index(totalSteps);
      break;
    default:
      args.memref(buffer(arg.name).data(), arg.shape);
    }
  }
  if (llvm::Error error = jit->call(info.name, args)) {
    llvm::errs() << "error: calling " << info.name << ": "
                 << llvm::toString(std::move(error)) << "\n";
    return failure();
  }
  return success();
}
