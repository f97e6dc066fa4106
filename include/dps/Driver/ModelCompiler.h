//===- ModelCompiler.h - a model file to runnable kernels -------*- C++ -*-===//
//
// What dps-train does before training: parse the model, apply the command
// line's overrides to its dps.train_step (batch, learning rate, ladder: the
// declaration's values are defaults), compile it with dps-lower-to-llvm and
// the JIT, and hand the runtime its manifest and a kernel backend.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_DRIVER_MODELCOMPILER_H
#define DPS_DRIVER_MODELCOMPILER_H

#include "dps/runtime/KernelBackend.h"
#include "dps/runtime/Manifest.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dps {

struct CompileOverrides {
  std::optional<int64_t> batch;
  std::optional<double> learningRate;
  std::optional<std::vector<std::string>> ladder;
  /// Where compiled kernels are cached (object + manifest, keyed by the
  /// model after overrides, the compiler binary and the host); empty: none.
  std::string cacheFolder;
};

struct CompiledModel {
  rt::Manifest manifest;
  std::unique_ptr<rt::KernelBackend> backend;
  double compileSeconds = 0;
  /// The kernels came from the cache instead of the compiler.
  bool fromCache = false;
};

/// Compiles the only dps.train_step of the model at `path`. Diagnostics go to
/// standard error; the Status says what failed.
rt::Result<CompiledModel> compileModel(const std::string &path,
                                       const CompileOverrides &overrides);

} // namespace dps

#endif // DPS_DRIVER_MODELCOMPILER_H
