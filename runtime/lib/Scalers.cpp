//===- Scalers.cpp - loss scaling and amax histories -----------------------===//
#include "dps/runtime/Scalers.h"

#include <algorithm>
#include <cmath>

using namespace dps::rt;

bool LossScaler::update(bool overflow) {
  if (overflow) {
    scale_ = std::max(config.minScale, scale_ * config.backoffFactor);
    clean = 0;
    return true;
  }
  if (++clean >= config.growthInterval) {
    scale_ = std::min(config.maxScale, scale_ * config.growthFactor);
    clean = 0;
  }
  return false;
}

void AmaxHistory::record(const float *observed) {
  for (size_t t = 0; t < history.size(); ++t) {
    // A non-finite amax comes from a step that is skipped anyway.
    if (!std::isfinite(observed[t]))
      continue;
    history[t].push_back(observed[t]);
    if (history[t].size() > window)
      history[t].pop_front();
  }
}

void AmaxHistory::scalingAmax(float *out) const {
  for (size_t t = 0; t < history.size(); ++t)
    out[t] = history[t].empty()
                 ? 0.0f
                 : *std::max_element(history[t].begin(), history[t].end());
}
