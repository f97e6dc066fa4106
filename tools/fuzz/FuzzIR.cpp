//===- FuzzIR.cpp - libFuzzer: parse, verify, lower dps IR ----------------===//
//
// dps-fuzz-ir: the input is MLIR text; it is parsed and verified with the
// dps dialect and MLIR's dialects registered. With DPS_FUZZ_LOWER defined
// (dps-fuzz-lower) a module that verifies is also run through
// dps-lower-to-llvm. Diagnostics are expected; a crash, a sanitizer report
// or a hang is a bug.
//
//===----------------------------------------------------------------------===//
#include "dps/InitAllDPS.h"
#include "dps/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

using namespace mlir;

namespace {
std::unique_ptr<MLIRContext> makeContext() {
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  dps::registerAllDialects(registry);
  auto context = std::make_unique<MLIRContext>(registry);
  context->loadAllAvailableDialects();
  // Diagnostics are the expected outcome of most inputs: keep them quiet.
  context->getDiagEngine().registerHandler([](Diagnostic &) {});
  context->disableMultithreading();
  return context;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static std::unique_ptr<MLIRContext> context = makeContext();
  // MLIR's lexer reads up to a terminating NUL, as every file buffer has:
  // hand it one (libFuzzer's data ends without).
  std::string text(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(text, context.get());
  if (!module || failed(verify(*module)))
    return 0;
#ifdef DPS_FUZZ_LOWER
  PassManager pm(context.get());
  dps::LowerToLLVMOptions options;
  options.openmp = false;
  dps::buildLowerToLLVMPipeline(pm, options);
  (void)pm.run(*module);
#endif
  return 0;
}
