//===- TrainStepHarness.cpp - run a train step's kernels in tests ----------===//
#include "dps/Testing/TrainStepHarness.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"
#include "dps/Pipelines/Pipelines.h"

#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringSwitch.h"

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
  addKernelABIPasses(autodiff, KernelTarget::CPU);
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
      int64_t count = 1;
      for (int64_t dim : arg.shape)
        count *= dim;
      std::string key = TrainStepHarness::key(kernel, arg);
      harness->elementTypes[key] = arg.elementType;
      if (arg.elementType == "f32" || arg.elementType == "i32")
        harness->buffers[key].resize(count);
      else if (arg.elementType == "bf16" || arg.elementType == "f16")
        harness->narrowBuffers[key].resize(2 * count);
      else
        harness->narrowBuffers[key].resize(count);
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

std::string TrainStepHarness::key(const KernelInfo &kernel,
                                  const KernelArg &arg) {
  bool rungPrivate =
      arg.role == ArgRole::param_copy || arg.role == ArgRole::amax ||
      arg.role == ArgRole::overflow || arg.role == ArgRole::loss_scale ||
      (arg.role == ArgRole::input && kernel.precision != "f32");
  return rungPrivate ? kernel.precision + "/" + arg.name : arg.name;
}

const KernelInfo &TrainStepHarness::kernel(KernelKind kind,
                                           llvm::StringRef precision) const {
  for (const KernelInfo &kernel : kernelManifest.kernels)
    if (kernel.kind == kind &&
        (kind == KernelKind::update
             ? kernel.rungs.size() == kernelManifest.ladder.size()
             : kernel.precision == precision || kind == KernelKind::eval))
      return kernel;
  llvm::report_fatal_error("no kernel of that kind at that precision");
}

std::vector<float> &TrainStepHarness::buffer(llvm::StringRef name) {
  auto it = buffers.find(name);
  if (it == buffers.end())
    llvm::report_fatal_error("no 4-byte kernel buffer named " + name);
  return it->second;
}

std::vector<uint8_t> &TrainStepHarness::narrowBuffer(llvm::StringRef name) {
  auto it = narrowBuffers.find(name);
  if (it == narrowBuffers.end())
    llvm::report_fatal_error("no narrow kernel buffer named " + name);
  return it->second;
}

std::vector<float> TrainStepHarness::floats(llvm::StringRef key) {
  if (buffers.count(key))
    return buffer(key);
  auto type = elementTypes.find(key);
  const llvm::fltSemantics *semantics =
      type == elementTypes.end() ? nullptr : semanticsOf(type->second);
  if (!semantics)
    llvm::report_fatal_error("kernel buffer " + key + " holds no floats");
  std::vector<uint8_t> &bytes = narrowBuffer(key);
  unsigned width = llvm::APFloat::semanticsSizeInBits(*semantics) / 8;
  std::vector<float> values(bytes.size() / width);
  for (size_t i = 0; i < values.size(); ++i) {
    uint64_t bits = 0;
    std::memcpy(&bits, bytes.data() + i * width, width);
    llvm::APFloat value(*semantics, llvm::APInt(8 * width, bits));
    bool losesInfo;
    value.convert(llvm::APFloat::IEEEsingle(),
                  llvm::APFloat::rmNearestTiesToEven, &losesInfo);
    values[i] = value.convertToFloat();
  }
  return values;
}

const llvm::fltSemantics *mlir::dps::semanticsOf(llvm::StringRef type) {
  return llvm::StringSwitch<const llvm::fltSemantics *>(type)
      .Case("f16", &llvm::APFloat::IEEEhalf())
      .Case("bf16", &llvm::APFloat::BFloat())
      .Case("f8E4M3FN", &llvm::APFloat::Float8E4M3FN())
      .Case("f8E5M2", &llvm::APFloat::Float8E5M2())
      .Default(nullptr);
}

std::vector<std::string> TrainStepHarness::names(KernelKind kind, ArgRole role,
                                                 llvm::StringRef precision) const {
  const KernelInfo &info = kernel(kind, precision);
  std::vector<std::string> result;
  for (const KernelArg &arg : info.args)
    if (arg.role == role)
      result.push_back(key(info, arg));
  return result;
}

LogicalResult TrainStepHarness::call(KernelKind kind, int64_t rows,
                                     int64_t stepIndex, int64_t totalSteps,
                                     llvm::StringRef precision) {
  const KernelInfo &info = kernel(kind, precision);
  ::dps::KernelArguments args;
  for (const KernelArg &arg : info.args) {
    std::string name = key(info, arg);
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
    case ArgRole::loss_scale:
      args.f32(scalars.count(name) ? scalars.find(name)->second : 1.0f);
      break;
    default:
      if (buffers.count(name))
        args.memref(buffer(name).data(), arg.shape);
      else
        args.memref(narrowBuffer(name).data(), arg.shape);
    }
  }
  if (llvm::Error error = jit->call(info.name, args)) {
    llvm::errs() << "error: calling " << info.name << ": "
                 << llvm::toString(std::move(error)) << "\n";
    return failure();
  }
  return success();
}
