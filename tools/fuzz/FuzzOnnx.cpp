//===- FuzzOnnx.cpp - libFuzzer target: the ONNX importer -----------------===//
//
// Bytes -> libonnx's parser and checker -> the importer, in the training
// form and the inference form, then the verifier on what imports. Every
// outcome but a crash is fine: most inputs are diagnostics.
//
//===----------------------------------------------------------------------===//
#include "dps/InitAllDPS.h"
#include "dps/Target/OnnxImport.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"

#include <cstddef>
#include <cstdint>
#include <memory>

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static std::unique_ptr<MLIRContext> context = [] {
    DialectRegistry registry;
    registerAllDialects(registry);
    mlir::dps::registerAllDialects(registry);
    auto ctx = std::make_unique<MLIRContext>(registry);
    ctx->getDiagEngine().registerHandler([](Diagnostic &) {});
    ctx->disableMultithreading();
    return ctx;
  }();
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  for (bool inference : {false, true}) {
    mlir::dps::OnnxImportOptions options;
    options.inference = inference;
    OwningOpRef<ModuleOp> module =
        mlir::dps::importOnnxModel(bytes, "fuzz.onnx", context.get(), options);
    if (module)
      (void)verify(*module);
  }
  return 0;
}
