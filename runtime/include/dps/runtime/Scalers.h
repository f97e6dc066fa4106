//===- Scalers.h - loss scaling and amax histories ----------------*- C++ -*-===//
#ifndef DPS_RUNTIME_SCALERS_H
#define DPS_RUNTIME_SCALERS_H

#include <cstddef>
#include <deque>
#include <vector>

namespace dps::rt {

/// Dynamic loss scaling for f16 rungs: back off on overflow (the step is
/// skipped), grow after `growthInterval` clean steps.
class LossScaler {
public:
  struct Config {
    float initialScale = 65536.0f;
    float growthFactor = 2.0f;
    float backoffFactor = 0.5f;
    int growthInterval = 2000;
    float minScale = 1.0f;
    float maxScale = 16777216.0f;
  };

  LossScaler() : LossScaler(Config()) {}
  explicit LossScaler(Config config)
      : config(config), scale_(config.initialScale) {}

  float scale() const { return scale_; }
  /// Records a step's outcome; returns whether the step must be skipped.
  bool update(bool overflow);

  int cleanSteps() const { return clean; }
  void restore(float scale, int cleanSteps) {
    scale_ = scale;
    clean = cleanSteps;
  }

private:
  Config config;
  float scale_;
  int clean = 0;
};

/// Delayed scaling for f8 rungs: per quantised tensor, the amax of the last
/// `window` steps; the kernels scale by its maximum.
class AmaxHistory {
public:
  explicit AmaxHistory(size_t tensors = 0, size_t window = 16)
      : window(window), history(tensors) {}

  size_t tensors() const { return history.size(); }
  /// Appends one step's observed amax (one per tensor).
  void record(const float *observed);
  /// Per tensor, the largest amax in the window (0 before any step: the
  /// kernel then scales by the current amax).
  void scalingAmax(float *out) const;

  const std::vector<std::deque<float>> &entries() const { return history; }
  void restore(std::vector<std::deque<float>> entries) {
    history = std::move(entries);
  }

private:
  size_t window;
  std::vector<std::deque<float>> history;
};

} // namespace dps::rt

#endif // DPS_RUNTIME_SCALERS_H
