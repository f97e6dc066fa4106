//===- ModelCompiler.cpp - a model file to runnable kernels ---------------===//
#include "dps/Driver/ModelCompiler.h"
#include "dps/Dialect/DPS/IR/DPSOps.h"
#include "dps/Dialect/DPS/Transforms/Passes.h"
#include "dps/InitAllDPS.h"
#include "dps/JIT/JitModule.h"
#include "dps/Pipelines/Pipelines.h"
#include "dps/Target/KernelManifest.h"
#include "dps/Target/OnnxImport.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "dps/runtime/Checkpoint.h"
#include "dps/runtime/FloatEnvironment.h"
#include "dps/runtime/Sha256.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/TargetParser/Host.h"

#include <chrono>

using namespace mlir;
using namespace mlir::dps;

namespace {

/// Runs kernels compiled in process by MLIR's ExecutionEngine.
class JitBackend : public ::dps::rt::KernelBackend {
public:
  explicit JitBackend(std::unique_ptr<::dps::JitModule> jit)
      : jit(std::move(jit)) {}

  ::dps::rt::Status call(const std::string &kernel,
                         const std::vector<::dps::rt::KernelValue> &args)
      override {
    // One per thread (rungs call at once), reused: no allocation per call.
    thread_local ::dps::KernelArguments packed;
    packed.assign(args);
    ::dps::rt::ScopedFlushDenormals flush;
    if (llvm::Error error = jit->call(kernel, packed))
      return ::dps::rt::Status::error("kernel " + kernel + " failed: " +
                                      llvm::toString(std::move(error)));
    return ::dps::rt::Status::success();
  }

  const void *symbol(const std::string &name) override {
    auto address = jit->symbol(name);
    if (!address) {
      llvm::consumeError(address.takeError());
      return nullptr;
    }
    return *address;
  }

private:
  std::unique_ptr<::dps::JitModule> jit;
};

/// Rewrites the train step's defaults from the command line.
LogicalResult applyOverrides(TrainStepOp step,
                             const ::dps::CompileOverrides &overrides) {
  MLIRContext *ctx = step.getContext();
  Builder b(ctx);
  if (overrides.batch) {
    if (*overrides.batch <= 0)
      return step.emitError() << "--batch must be positive";
    step.setBatch(*overrides.batch);
  }
  if (overrides.learningRate) {
    double lr = *overrides.learningRate;
    auto emitError = [&] { return step.emitError(); };
    Attribute optimizer;
    if (auto sgd = dyn_cast<SGDAttr>(step.getOptimizer()))
      optimizer = SGDAttr::getChecked(emitError, ctx, F64(lr),
                                      sgd.getMomentum(), sgd.getWeightDecay());
    else if (auto adam = dyn_cast<AdamAttr>(step.getOptimizer()))
      optimizer = AdamAttr::getChecked(emitError, ctx, F64(lr), adam.getBeta1(),
                                       adam.getBeta2(), adam.getEpsilon(),
                                       adam.getWeightDecay());
    if (!optimizer)
      return failure();
    step.setOptimizerAttr(cast<OptimizerAttrInterface>(optimizer));
  }
  if (overrides.ladder) {
    SmallVector<Type> rungs;
    for (const std::string &name : *overrides.ladder) {
      Type type = parseType(name, ctx);
      if (!type)
        return step.emitError() << "unknown precision '" << name << "'";
      rungs.push_back(type);
    }
    LadderAttr ladder = LadderAttr::getChecked(
        [&] { return step.emitError(); }, ctx, ArrayRef<Type>(rungs));
    if (!ladder)
      return failure();
    step.setLadderAttr(ladder);
  }
  return success();
}

/// The cache key of a model: its text after the overrides, the compiler
/// binary that lowers it (size and time: a rebuilt dps compiles anew) and the
/// host it compiles for.
std::string cacheKey(ModuleOp model) {
  std::string text;
  llvm::raw_string_ostream os(text);
  model.print(os, OpPrintingFlags().enableDebugInfo(false));
  os << "\n"
     << llvm::sys::getProcessTriple() << " " << llvm::sys::getHostCPUName()
     << " bf16-dot=" << hostPrefersBF16Dot() << " amx=" << hostSupportsAMX()
     << " bf16-casts=" << hostHasBF16Casts();
  std::string self = llvm::sys::fs::getMainExecutable(nullptr, nullptr);
  llvm::sys::fs::file_status status;
  if (!llvm::sys::fs::status(self, status))
    os << " " << self << " " << status.getSize() << " "
       << status.getLastModificationTime().time_since_epoch().count();
  ::dps::rt::Sha256 sha;
  sha.update(text.data(), text.size());
  return sha.hex();
}

/// The cached kernels of `key` in `folder`, if both files are there and
/// load; a damaged entry is reported and compiled anew.
std::optional<::dps::CompiledModel>
loadCached(const std::string &folder, const std::string &key,
           const std::string &modelPath) {
  std::string object = folder + "/" + key + ".o";
  std::string manifestPath = folder + "/" + key + ".json";
  if (!llvm::sys::fs::exists(manifestPath) || !llvm::sys::fs::exists(object))
    return std::nullopt;
  auto manifest = ::dps::rt::readManifest(manifestPath);
  auto jit = ::dps::JitModule::load(object);
  llvm::Error error = jit ? llvm::Error::success() : jit.takeError();
  if (!error && !manifest)
    error = llvm::createStringError(manifest.status().message());
  for (size_t i = 0; !error && i < manifest->kernels.size(); ++i)
    error = (*jit)->resolve(manifest->kernels[i].name);
  if (error) {
    llvm::errs() << "dps-train: warning: ignoring the damaged cache entry "
                 << folder << "/" << key << " for " << modelPath << ": "
                 << llvm::toString(std::move(error)) << "\n";
    return std::nullopt;
  }
  ::dps::CompiledModel compiled;
  compiled.manifest = manifest.take();
  compiled.backend = std::make_unique<JitBackend>(std::move(*jit));
  compiled.fromCache = true;
  return compiled;
}

/// Stores the kernels of `key`: the object first, the manifest last, each
/// atomically, so an entry with a manifest is complete.
void storeCached(const std::string &folder, const std::string &key,
                 ::dps::JitModule &jit, const std::string &manifestJson) {
  if (std::error_code error = llvm::sys::fs::create_directories(folder)) {
    llvm::errs() << "dps-train: warning: cannot create the cache folder "
                 << folder << ": " << error.message() << "\n";
    return;
  }
  if (llvm::Error error = jit.saveObject(folder + "/" + key + ".o")) {
    llvm::errs() << "dps-train: warning: cannot cache the kernels: "
                 << llvm::toString(std::move(error)) << "\n";
    return;
  }
  ::dps::rt::Status status = ::dps::rt::writeFileAtomically(
      folder + "/" + key + ".json", manifestJson);
  if (!status.ok())
    llvm::errs() << "dps-train: warning: " << status.message() << "\n";
}

} // namespace

::dps::rt::Result<::dps::CompiledModel>
(::dps::compileModel)(const std::string &path,
                  const ::dps::CompileOverrides &overrides) {
  using ::dps::rt::Status;
  auto start = std::chrono::steady_clock::now();
  DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::dps::registerAllDialects(registry);
  // The context outlives the JIT's use of it only through the JIT itself;
  // kept alive for the process.
  static MLIRContext *context = new MLIRContext(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, context);
  OwningOpRef<ModuleOp> model;
  if (StringRef(path).ends_with(".onnx")) {
    auto bytes = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
    if (!bytes)
      return Status::error(path + ": cannot read it: " +
                           bytes.getError().message());
    model = importOnnxModel((*bytes)->getBuffer(), path, context,
                            OnnxImportOptions());
    if (!model)
      return Status::error(path + ": cannot import this ONNX model (see the "
                                  "errors above)");
  } else {
    model = parseSourceFile<ModuleOp>(path, sourceMgr, ParserConfig(context));
    if (!model)
      return Status::error(path + ": not a valid dps model (see the errors "
                                  "above)");
  }
  SmallVector<TrainStepOp> steps(model->getOps<TrainStepOp>());
  if (steps.size() != 1)
    return Status::error(path + ": expected exactly one dps.train_step, found " +
                         std::to_string(steps.size()));
  if (failed(applyOverrides(steps.front(), overrides)) ||
      failed(mlir::verify(*model)))
    return Status::error(path + ": the command line's settings do not fit "
                                "the model (see the errors above)");

  std::string key;
  if (!overrides.cacheFolder.empty()) {
    key = cacheKey(*model);
    if (auto cached = loadCached(overrides.cacheFolder, key, path)) {
      cached->compileSeconds = std::chrono::duration<double>(
                                   std::chrono::steady_clock::now() - start)
                                   .count();
      return std::move(*cached);
    }
  }

  OwningOpRef<ModuleOp> expanded = model->clone();
  PassManager kernels(context);
  addKernelABIPasses(kernels, KernelTarget::CPU);
  if (failed(kernels.run(*expanded)))
    return Status::error(path + ": cannot derive the training kernels");
  FailureOr<KernelManifest> manifest = buildKernelManifest(*expanded);
  if (failed(manifest))
    return Status::error(path + ": cannot describe the kernels");
  std::string json;
  llvm::raw_string_ostream os(json);
  writeManifestJSON(*manifest, os);
  auto runtimeManifest = ::dps::rt::parseManifest(json, path);
  if (!runtimeManifest)
    return runtimeManifest.status();

  PassManager pipeline(context);
  buildLowerToLLVMPipeline(pipeline, LowerToLLVMOptions());
  if (failed(pipeline.run(*model)))
    return Status::error(path + ": compilation failed (see the errors above)");
  auto jit = ::dps::JitModule::compile(*model);
  if (!jit)
    return Status::error(path + ": JIT compilation failed: " +
                         llvm::toString(jit.takeError()));
  if (!key.empty())
    storeCached(overrides.cacheFolder, key, **jit, json);
  ::dps::CompiledModel compiled;
  compiled.manifest = runtimeManifest.take();
  compiled.backend = std::make_unique<JitBackend>(std::move(*jit));
  compiled.compileSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return compiled;
}
