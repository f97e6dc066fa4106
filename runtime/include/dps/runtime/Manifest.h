//===- Manifest.h - the kernel ABI, as the compiler wrote it -----*- C++ -*-===//
//
// Reads the JSON of `dps-translate --dps-to-manifest` (docs/kernel-abi.md):
// every kernel of a train step and each argument's role, shape and type. The
// runtime allocates every buffer from this alone.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_MANIFEST_H
#define DPS_RUNTIME_MANIFEST_H

#include "dps/runtime/Precision.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace dps::rt {

enum class Role {
  Param, ParamCopy, GradAcc, OptState, Input, Label, Rows, Step, TotalSteps,
  LossScale, Overflow, Amax, Seed, Losses, Predictions
};

struct ArgSpec {
  std::string name;
  Role role;
  std::vector<int64_t> shape; // empty for scalars
  std::string elementType;
  std::string init;   // parameters: the initialiser, or "values"
  std::string values; // with "values": the symbol holding them

  size_t elements() const;
  size_t bytes() const;
};

struct KernelSpec {
  std::string name, kind, precision;
  /// Update kernels: the ladder's rungs whose gradient sets it reads, in
  /// ladder order (the whole ladder where the manifest does not say).
  std::vector<std::string> rungs;
  std::vector<ArgSpec> args;

  /// Update kernels that list one rung several times read as many sets of
  /// it, its lanes' (a lone rung's step split into calls at once); others 1.
  size_t lanes() const {
    bool repeated = rungs.size() > 1 && std::all_of(rungs.begin(), rungs.end(),
                                                    [&](const std::string &r) {
                                                      return r == rungs[0];
                                                    });
    return repeated ? rungs.size() : 1;
  }
};

struct Manifest {
  std::string model, trainStep;
  int64_t batch = 0;
  int64_t outputs = 0; // per sample: labels must be below it (0: unknown)
  std::vector<std::string> ladder;
  std::vector<KernelSpec> kernels;

  /// The kernel of `kind` ("grad", "update", "refresh", "eval") at
  /// `precision` (ignored for update and eval; the update is the one that
  /// reads every rung's gradient set); null if there is none.
  const KernelSpec *find(const std::string &kind,
                         const std::string &precision = "f32") const;
  /// The ladder's precisions (parseManifest rejects one it cannot read).
  std::vector<Precision> precisions() const;
};

Result<Manifest> parseManifest(const std::string &json,
                               const std::string &origin = "manifest");
Result<Manifest> readManifest(const std::string &path);

/// Bytes per element of a manifest element type (f32, i32, index, bf16...).
size_t elementBytes(const std::string &elementType);

} // namespace dps::rt

#endif // DPS_RUNTIME_MANIFEST_H
