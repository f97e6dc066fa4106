//===- dps-run.cpp - train a compiled model with the runtime alone --------===//
//
// dps-train without the compiler, for machines that have no LLVM/MLIR (a GPU
// machine): it trains a model compiled elsewhere (dps-translate
// --dps-to-object [--dps-gpu], linked into a .so, with its manifest) with
// the schedule's defaults.
//
//   dps-run model.so [--device cpu|cuda|host-mirror] [--dataset NAME]
//           [--epochs N] [--limit N] [--val-split N] [--seed N] [--metrics
//           FILE]
//           [--plot FILE] [--manifest FILE] [--quiet] [--eval-only]
//   dps-run model.so --time-kernels grad_bf16@1,grad_bf16@43,update
//           [--repetitions N] [--compare other.so] [--cold]
//
// --time-kernels trains nothing: it prints, per kernel and row count, one
// JSON line with the median and 10th-percentile time of a call; with
// --compare, the same kernels of another build of the model (same
// manifest) timed alternately in this process, and the ratio; with --cold,
// each call with none of its data in the caches (as a training step's call
// comes close to: the step's other kernels pass MBs through the caches).
//
//===----------------------------------------------------------------------===//
#include "dps/runtime/KernelTiming.h"
#include "dps/runtime/SharedObjectBackend.h"
#include "dps/runtime/TrainingSession.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

using namespace dps::rt;

namespace {

int fail(const std::string &message) {
  std::fprintf(stderr, "dps-run: error: %s\n", message.c_str());
  return 1;
}

/// `text` as an integer in [low, high], or none.
std::optional<long long> integer(const std::string &text, long long low,
                                 long long high) {
  char *end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end || value < low || value > high)
    return std::nullopt;
  return value;
}

/// --time-kernels: one JSON line per "kernel@rows" of the comma-separated
/// `list`; with `other` (--compare), the same kernel of another compiled
/// model too, the two timed in alternating rounds in this one process (the
/// machine's speed drifts between runs; the best round's 10th percentile of
/// each is kept).
int timeKernels(const Manifest &manifest, KernelBackend &backend,
                const std::string &list, const std::string &repetitionsText,
                KernelBackend *other, bool cold) {
  auto repetitions = integer(repetitionsText, 1, 1000000);
  if (!repetitions)
    return fail("--repetitions takes an integer from 1");
  std::vector<KernelTimingCase> cases;
  for (size_t start = 0; start <= list.size();) {
    size_t comma = std::min(list.find(',', start), list.size());
    auto timing =
        parseKernelTimingCase(manifest, list.substr(start, comma - start));
    if (!timing)
      return fail("--time-kernels: " + timing.status().message());
    cases.push_back(*timing);
    start = comma + 1;
  }
  for (const KernelTimingCase &timing : cases) {
    auto timer = KernelTimer::create(manifest, backend, timing);
    if (!timer)
      return fail(timer.status().message());
    if (other) {
      auto otherTimer = KernelTimer::create(manifest, *other, timing);
      if (!otherTimer)
        return fail(otherTimer.status().message());
      constexpr int rounds = 15;
      int perRound = std::max(1, int(*repetitions) / rounds);
      double best = 1e300, bestOther = 1e300;
      for (int round = 0; round < rounds; ++round) {
        auto mine = (*timer)->time(perRound, cold);
        auto theirs = (*otherTimer)->time(perRound, cold);
        if (!mine || !theirs)
          return fail((mine ? theirs.status() : mine.status()).message());
        best = std::min(best, mine->p10Microseconds);
        bestOther = std::min(bestOther, theirs->p10Microseconds);
      }
      std::printf("{\"kernel\": \"%s\", \"rows\": %lld, \"p10_us\": %.1f, "
                  "\"compare_p10_us\": %.1f, \"ratio\": %.3f}\n",
                  timing.kernel->name.c_str(), (long long)timing.rows, best,
                  bestOther, bestOther / best);
      continue;
    }
    auto measured = (*timer)->time(int(*repetitions), cold);
    if (!measured)
      return fail(measured.status().message());
    std::printf("{\"kernel\": \"%s\", \"rows\": %lld, \"median_us\": %.1f, "
                "\"p10_us\": %.1f}\n",
                timing.kernel->name.c_str(), (long long)timing.rows,
                measured->medianMicroseconds, measured->p10Microseconds);
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  std::map<std::string, std::string> flags = {
      {"device", "cpu"},      {"dataset", "fashion-mnist"},
      {"epochs", "15"},       {"limit", "0"},
      {"val-split", "5000"},  {"seed", "1"},
      {"metrics", ""},        {"plot", ""},
      {"manifest", ""},       {"time-kernels", ""},
      {"repetitions", "200"}, {"compare", ""}};
  std::string model;
  bool quiet = false, evalOnly = false, cold = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--quiet") {
      quiet = true;
    } else if (arg == "--cold") {
      cold = true;
    } else if (arg == "--eval-only") {
      evalOnly = true;
    } else if (arg.rfind("--", 0) == 0) {
      std::string name = arg.substr(2), value;
      if (size_t eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return fail("--" + name + " needs a value");
      }
      if (!flags.count(name))
        return fail("unknown option --" + name);
      flags[name] = value;
    } else if (model.empty()) {
      model = arg;
    } else {
      return fail("one model only (" + model + ", then " + arg + ")");
    }
  }
  if (model.size() < 4 || model.substr(model.size() - 3) != ".so")
    return fail(
        "usage: dps-run model.so [--device cpu|cuda|host-mirror] [--dataset "
        "NAME] [--epochs N] [--limit N] [--val-split N] [--seed N] "
        "[--metrics FILE] [--plot FILE] [--manifest FILE] [--quiet] "
        "[--eval-only]");
  auto epochs = integer(flags["epochs"], 1, 100000);
  auto limit = integer(flags["limit"], 0, 1LL << 40);
  auto validation = integer(flags["val-split"], 0, 1LL << 40);
  auto seed = integer(flags["seed"], 0, 1LL << 62);
  if (!epochs || !limit || !validation || !seed)
    return fail("--epochs, --limit, --val-split and --seed take integers "
                "(--epochs at least 1)");
  const std::string &device = flags["device"];
  if (Status s = checkDevice(device); !s)
    return fail(s.message());

  std::string manifestFile = flags["manifest"].empty()
                                 ? model.substr(0, model.size() - 3) + ".json"
                                 : flags["manifest"];
  auto manifest = readManifest(manifestFile);
  if (!manifest)
    return fail(manifest.status().message());
  auto object = openModelObject(model, *manifest, device);
  if (!object)
    return fail(object.status().message());
  std::unique_ptr<KernelBackend> backend = object.take();
  if (!flags["time-kernels"].empty()) {
    std::unique_ptr<SharedObjectBackend> other;
    if (!flags["compare"].empty()) {
      if (device == "cuda")
        return fail("--compare times CPU models");
      auto opened = SharedObjectBackend::open(flags["compare"], *manifest);
      if (!opened)
        return fail(opened.status().message());
      other = opened.take();
    }
    return timeKernels(*manifest, *backend, flags["time-kernels"],
                       flags["repetitions"], other.get(), cold);
  }
  if (!flags["compare"].empty() || cold)
    return fail("--compare and --cold go with --time-kernels");
  auto data =
      loadNamedDataset(flags["dataset"], *validation, *limit, uint64_t(*seed));
  if (!data)
    return fail(data.status().message());

  std::vector<Precision> ladder = manifest->precisions();
  TrainerOptions options;
  options.schedule = ScheduleConfig::defaults(ladder, int(*epochs));
  options.schedule.decayEpochs = std::max(1, std::min(8, int(*epochs)));
  options.seed = uint64_t(*seed);
  // As dps-train: a GPU runs one kernel at a time, on a whole batch.
  options.threads = device == "cuda" ? 1 : defaultThreads();
  options.lanes = device == "cuda" ? 1 : 2;
  SessionOutput output;
  output.tool = "dps-run";
  output.datasetName = flags["dataset"];
  output.source = "compiled model on the " + device;
  output.quiet = quiet;
  output.evalOnly = evalOnly;
  output.metricsPath = flags["metrics"];
  output.plotPath = flags["plot"];
  if (Status s =
          runTrainingSession(*manifest, *backend, *data, options, output);
      !s)
    return fail(s.message());
  return 0;
}
