//===- JitModule.cpp - run compiled dps kernels in process -----------------===//
#include "dps/JIT/JitModule.h"
#include "dps/runtime/CpuFeatures.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"

#include <mutex>

using namespace dps;

namespace {

/// Initialises LLVM's native target and makes the OpenMP runtime the
/// kernels call (their parallel tile loops) visible to the JIT's symbol
/// lookup in this process.
llvm::Error initializeNativeTarget() {
  static std::once_flag initialized;
  static std::string openmpError;
  std::call_once(initialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    // Kernels compiled for this host may use its AMX tiles.
    dps::rt::requestAMXPermission();
    llvm::sys::DynamicLibrary::LoadLibraryPermanently(DPS_LIBOMP_PATH,
                                                      &openmpError);
  });
  if (!openmpError.empty())
    return llvm::createStringError("cannot load the OpenMP runtime " +
                                   std::string(DPS_LIBOMP_PATH) + ": " +
                                   openmpError);
  return llvm::Error::success();
}

/// The packed wrapper ExecutionEngine generates for `_mlir_ciface_<kernel>`.
std::string packedName(llvm::StringRef kernel) {
  return ("_mlir__mlir_ciface_" + kernel).str();
}

} // namespace

JitModule::JitModule() = default;

JitModule::~JitModule() = default;

llvm::Expected<std::unique_ptr<JitModule>>
JitModule::compile(mlir::ModuleOp module, unsigned optLevel) {
  if (llvm::Error error = initializeNativeTarget())
    return std::move(error);
  mlir::DialectRegistry registry;
  mlir::registerAllToLLVMIRTranslations(registry);
  module->getContext()->appendDialectRegistry(registry);

  // ExecutionEngineOptions holds the transformer by function_ref: keep the
  // function alive across create().
  std::function<llvm::Error(llvm::Module *)> transformer =
      mlir::makeOptimizingTransformer(optLevel, /*sizeLevel=*/0,
                                      /*targetMachine=*/nullptr);
  mlir::ExecutionEngineOptions options;
  options.transformer = transformer;
  options.jitCodeGenOptLevel = static_cast<llvm::CodeGenOptLevel>(optLevel);
  options.enableObjectDump = true;
  auto engine = mlir::ExecutionEngine::create(module, options);
  if (!engine)
    return engine.takeError();
  std::unique_ptr<JitModule> jit(new JitModule());
  jit->engine = std::move(*engine);
  return jit;
}

llvm::Expected<std::unique_ptr<JitModule>>
JitModule::load(llvm::StringRef objectPath) {
  if (llvm::Error error = initializeNativeTarget())
    return std::move(error);
  auto object = llvm::MemoryBuffer::getFile(objectPath);
  if (!object)
    return llvm::createStringError(object.getError(),
                                   "cannot read " + objectPath);
  auto lljit = llvm::orc::LLJITBuilder().create();
  if (!lljit)
    return lljit.takeError();
  // The kernels call into libc and libm (malloc, free, expf, ...).
  auto process =
      llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
          (*lljit)->getDataLayout().getGlobalPrefix());
  if (!process)
    return process.takeError();
  (*lljit)->getMainJITDylib().addGenerator(std::move(*process));
  if (llvm::Error error = (*lljit)->addObjectFile(std::move(*object)))
    return error;
  std::unique_ptr<JitModule> jit(new JitModule());
  jit->loaded = std::move(*lljit);
  return jit;
}

llvm::Error JitModule::saveObject(llvm::StringRef path) {
  if (!engine)
    return llvm::createStringError("only a compiled module has an object");
  llvm::SmallString<256> temporary(path);
  temporary += ".tmp";
  engine->dumpToObjectFile(temporary);
  if (!llvm::sys::fs::exists(temporary))
    return llvm::createStringError("cannot write " + temporary);
  if (std::error_code error = llvm::sys::fs::rename(temporary, path))
    return llvm::createStringError(error, "cannot rename to " + path);
  return llvm::Error::success();
}

llvm::Expected<JitModule::EntryPoint>
JitModule::entryPoint(llvm::StringRef kernel) {
  std::lock_guard<std::mutex> lock(entryPointsMutex);
  auto known = entryPoints.find(kernel);
  if (known != entryPoints.end())
    return known->second;
  EntryPoint entry;
  if (loaded) {
    auto symbol = loaded->lookup(packedName(kernel));
    if (!symbol)
      return symbol.takeError();
    entry = symbol->toPtr<EntryPoint>();
  } else {
    auto symbol = engine->lookup(packedName(kernel));
    if (!symbol)
      return symbol.takeError();
    entry = reinterpret_cast<EntryPoint>(*symbol);
  }
  entryPoints[kernel] = entry;
  return entry;
}

llvm::Expected<const void *> JitModule::symbol(llvm::StringRef name) {
  if (loaded) {
    auto address = loaded->lookup(name);
    if (!address)
      return address.takeError();
    return address->toPtr<const void *>();
  }
  auto address = engine->lookup(name);
  if (!address)
    return address.takeError();
  return static_cast<const void *>(*address);
}

llvm::Error JitModule::resolve(llvm::StringRef kernel) {
  return entryPoint(kernel).takeError();
}

llvm::Error JitModule::call(llvm::StringRef kernel,
                            const KernelArguments &args) {
  auto entry = entryPoint(kernel);
  if (!entry)
    return entry.takeError();
  (*entry)(args.data());
  return llvm::Error::success();
}
