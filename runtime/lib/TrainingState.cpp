//===- TrainingState.cpp - everything a resumed run needs ------------------===//
#include "dps/runtime/TrainingState.h"

#include <cmath>

#include <sstream>

using namespace dps::rt;

namespace {

std::string rngState(const std::mt19937_64 &rng) {
  std::ostringstream os;
  os << rng;
  return os.str();
}

Status restoreRng(std::mt19937_64 &rng, const std::string &text) {
  std::istringstream is(text);
  is >> rng;
  if (!is)
    return Status::error("checkpoint has a corrupt random-number state");
  return Status::success();
}

void storeMap(Checkpoint &c, const std::string &prefix,
              const std::map<std::string, std::vector<float>> &values) {
  std::string names;
  for (const auto &[name, data] : values) {
    names += name + "\n";
    c.putVector(prefix + name, data);
  }
  c.putString(prefix + "#names", names);
}

Result<std::map<std::string, std::vector<float>>>
loadMap(const Checkpoint &c, const std::string &prefix) {
  auto names = c.getString(prefix + "#names");
  if (!names)
    return names.status();
  std::map<std::string, std::vector<float>> values;
  std::istringstream lines(*names);
  for (std::string name; std::getline(lines, name);) {
    auto data = c.getVector<float>(prefix + name);
    if (!data)
      return data.status();
    values[name] = data.take();
  }
  return values;
}

} // namespace

void dps::rt::store(Checkpoint &c, const TrainingState &s) {
  c.putValue("epoch", s.epoch);
  c.putValue("step", s.step);
  storeMap(c, "master/", s.masters);
  storeMap(c, "optimizer/", s.optimizerState);
  c.putValue("loss_scale", s.lossScale);
  c.putValue("loss_scale_clean_steps", s.lossScaleCleanSteps);
  std::string rungs;
  for (const auto &[rung, history] : s.amaxHistories) {
    rungs += rung + "\n";
    std::vector<float> flat;
    for (const std::deque<float> &tensor : history) {
      flat.push_back(float(tensor.size()));
      flat.insert(flat.end(), tensor.begin(), tensor.end());
    }
    c.putVector("amax/" + rung, flat);
  }
  c.putString("amax/#rungs", rungs);
  c.putValue("schedule.completed", int32_t(s.schedule.completedEpochs));
  c.putValue("schedule.rollbacks", int32_t(s.schedule.rollbacks));
  c.putValue("schedule.rollback_next", uint8_t(s.schedule.rollbackNext));
  std::vector<double> errors = {
      s.schedule.bestValidationError.value_or(-1),
      s.schedule.previousValidationError.value_or(-1)};
  c.putVector("schedule.errors", errors);
  c.putVector("losses", s.losses);
  c.putVector("rungs", s.rungOf);
  c.putString("rng.shuffle", rngState(s.shuffleRng));
  c.putString("rng.rounding", rngState(s.roundingRng));
  c.putString("metrics", s.metricsJson);
}

Result<TrainingState> dps::rt::load(const Checkpoint &c) {
  TrainingState s;
  auto epoch = c.getValue<int32_t>("epoch");
  auto step = c.getValue<int64_t>("step");
  auto masters = loadMap(c, "master/");
  auto optimizer = loadMap(c, "optimizer/");
  auto scale = c.getValue<float>("loss_scale");
  auto clean = c.getValue<int32_t>("loss_scale_clean_steps");
  auto rungs = c.getString("amax/#rungs");
  auto completed = c.getValue<int32_t>("schedule.completed");
  auto rollbacks = c.getValue<int32_t>("schedule.rollbacks");
  auto rollbackNext = c.getValue<uint8_t>("schedule.rollback_next");
  auto errors = c.getVector<double>("schedule.errors");
  auto losses = c.getVector<float>("losses");
  auto rungOf = c.getVector<uint8_t>("rungs");
  auto shuffle = c.getString("rng.shuffle");
  auto rounding = c.getString("rng.rounding");
  auto metrics = c.getString("metrics");
  for (const Status *status :
       {&epoch.status(), &step.status(), &masters.status(),
        &optimizer.status(), &scale.status(), &clean.status(),
        &rungs.status(), &completed.status(), &rollbacks.status(),
        &rollbackNext.status(), &errors.status(), &losses.status(),
        &rungOf.status(), &shuffle.status(), &rounding.status(),
        &metrics.status()})
    if (!status->ok())
      return *status;
  if (errors->size() != 2)
    return Status::error("checkpoint has a corrupt schedule state");
  s.epoch = *epoch;
  s.step = *step;
  s.masters = masters.take();
  s.optimizerState = optimizer.take();
  s.lossScale = *scale;
  s.lossScaleCleanSteps = *clean;
  std::istringstream lines(*rungs);
  for (std::string rung; std::getline(lines, rung);) {
    auto flat = c.getVector<float>("amax/" + rung);
    if (!flat)
      return flat.status();
    std::vector<std::deque<float>> history;
    for (size_t i = 0; i < flat->size();) {
      // Each history is its length, then its values.
      float count = (*flat)[i++];
      if (!(count >= 0 && count <= float(flat->size() - i)) ||
          count != std::floor(count))
        return Status::error("checkpoint has a corrupt amax history");
      size_t n = size_t(count);
      history.emplace_back(flat->begin() + i, flat->begin() + i + n);
      i += n;
    }
    s.amaxHistories[rung] = std::move(history);
  }
  s.schedule.completedEpochs = *completed;
  s.schedule.rollbacks = *rollbacks;
  s.schedule.rollbackNext = *rollbackNext;
  if ((*errors)[0] >= 0)
    s.schedule.bestValidationError = (*errors)[0];
  if ((*errors)[1] >= 0)
    s.schedule.previousValidationError = (*errors)[1];
  s.losses = losses.take();
  s.rungOf = rungOf.take();
  if (Status st = restoreRng(s.shuffleRng, *shuffle); !st)
    return st;
  if (Status st = restoreRng(s.roundingRng, *rounding); !st)
    return st;
  s.metricsJson = metrics.take();
  return s;
}
