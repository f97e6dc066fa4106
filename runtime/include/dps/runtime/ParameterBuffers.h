//===- ParameterBuffers.h - master weights and per-rung copies ---*- C++ -*-===//
//
// Claims 3, 14, 20: f32 master weights and optimizer state, each rung's
// gradients, and a copy of the parameters at each precision in use (laid
// out as that rung's kernels want them, per the manifest), refreshed only
// for rungs about to run.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_PARAMETERBUFFERS_H
#define DPS_RUNTIME_PARAMETERBUFFERS_H

#include "dps/runtime/Manifest.h"
#include "dps/runtime/PageBuffer.h"

#include <map>
#include <set>

#include "dps/runtime/KernelBackend.h"

namespace dps::rt {

/// A kernel's buffer: 64-byte aligned (its rows of 16 floats are whole
/// cache lines; the kernels' streaming stores need it: docs/kernel-abi.md).
template <typename T>
using KernelBuffer = std::vector<T, LargePageAllocator<T>>;

class ParameterBuffers {
public:
  /// Masters initialised from the manifest's initialisers (seeded), or
  /// copied from the values `model` defines (init "values"), state and
  /// accumulators zero, no rung copies yet.
  static Result<ParameterBuffers> create(const Manifest &manifest,
                                         uint64_t seed,
                                         KernelBackend *model = nullptr);

  /// Buffers by argument name: masters and optimizer state (f32), and each
  /// rung's gradient set (`grad.<rung>.<param>`, at the rung's gradient
  /// type, per the manifest), which its gradient kernel overwrites.
  KernelBuffer<float> &master(const std::string &name) {
    return masters.at(name);
  }
  KernelBuffer<float> &state(const std::string &name) {
    return states.at(name);
  }
  KernelBuffer<uint8_t> &gradients(const std::string &name) {
    return gradientSets.at(name).bytes;
  }
  /// The gradient set `name`, or null where the model has none.
  KernelBuffer<uint8_t> *findGradients(const std::string &name) {
    auto it = gradientSets.find(name);
    return it == gradientSets.end() ? nullptr : &it->second.bytes;
  }
  const std::map<std::string, KernelBuffer<float>> &allMasters() const {
    return masters;
  }
  const std::map<std::string, KernelBuffer<float>> &allStates() const {
    return states;
  }
  /// A rung's copy buffer for a `param_copy` argument, allocated on first use.
  KernelBuffer<uint8_t> &copy(const std::string &precision, const ArgSpec &arg);
  /// The buffer `kernel`'s argument `arg` names if it holds parameters
  /// (param, param_copy, opt_state, grad_acc: one of the above), else null.
  void *buffer(const KernelSpec &kernel, const ArgSpec &arg);

  /// After an optimizer step every copy is stale.
  void markUpdated() { fresh.clear(); }
  bool isFresh(const std::string &precision) const {
    return fresh.count(precision) != 0;
  }
  void markRefreshed(const std::string &precision) { fresh.insert(precision); }

  /// Bytes held at each precision: "f32" (masters, optimizer state, f32
  /// gradient sets) and each rung with copies (and gradient sets of its
  /// type).
  std::map<std::string, size_t> bytesPerPrecision() const;

private:
  struct GradientSet {
    std::string elementType;
    KernelBuffer<uint8_t> bytes;
  };
  std::map<std::string, KernelBuffer<float>> masters, states;
  std::map<std::string, GradientSet> gradientSets;
  std::map<std::string, std::map<std::string, KernelBuffer<uint8_t>>> copies;
  std::set<std::string> fresh;
};

/// Fills `weights` (of `shape`) by `init`: zeros, ones, he_normal,
/// he_uniform, glorot_normal, glorot_uniform.
Status initialise(KernelBuffer<float> &weights,
                  const std::vector<int64_t> &shape, const std::string &init,
                  uint64_t seed);

} // namespace dps::rt

#endif // DPS_RUNTIME_PARAMETERBUFFERS_H
