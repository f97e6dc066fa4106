//===- JitModule.cpp - run compiled dps kernels in process -----------------===//
#include "dps/JIT/JitModule.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/Support/TargetSelect.h"

#include <mutex>

using namespace dps;

KernelArguments &KernelArguments::memref(void *data,
                                         llvm::ArrayRef<int64_t> shape) {
  static_assert(sizeof(void *) == sizeof(int64_t), "64-bit pointers");
  size_t rank = shape.size();
  std::vector<int64_t> &words = descriptors.emplace_back(3 + 2 * rank);
  words[0] = words[1] = reinterpret_cast<intptr_t>(data);
  int64_t stride = 1;
  for (size_t d = rank; d-- > 0;) {
    words[3 + d] = shape[d];
    words[3 + rank + d] = stride;
    stride *= shape[d];
  }
  pointers.push_back(&descriptorPointers.emplace_back(words.data()));
  return *this;
}

KernelArguments &KernelArguments::index(int64_t value) {
  pointers.push_back(&integers.emplace_back(value));
  return *this;
}

KernelArguments &KernelArguments::f32(float value) {
  pointers.push_back(&floats.emplace_back(value));
  return *this;
}

JitModule::JitModule(std::unique_ptr<mlir::ExecutionEngine> engine)
    : engine(std::move(engine)) {}

JitModule::~JitModule() = default;

llvm::Expected<std::unique_ptr<JitModule>>
JitModule::compile(mlir::ModuleOp module, unsigned optLevel) {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
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
  auto engine = mlir::ExecutionEngine::create(module, options);
  if (!engine)
    return engine.takeError();
  return std::unique_ptr<JitModule>(new JitModule(std::move(*engine)));
}

llvm::Error JitModule::call(llvm::StringRef kernel,
                            const KernelArguments &args) {
  llvm::ArrayRef<void *> packed = args.packed();
  return engine->invokePacked(("_mlir_ciface_" + kernel).str(),
                              llvm::MutableArrayRef<void *>(
                                  const_cast<void **>(packed.data()),
                                  packed.size()));
}
