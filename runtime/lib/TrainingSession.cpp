//===- TrainingSession.cpp - a training run from the command line ---------===//
#include "dps/runtime/TrainingSession.h"

#include "dps/runtime/Checkpoint.h"
#include "dps/runtime/CudaBackend.h"
#include "dps/runtime/DeviceBackend.h"
#include "dps/runtime/SharedObjectBackend.h"

#include <chrono>
#include <cstdio>
#include <unistd.h>

using namespace dps::rt;

namespace {

/// synthetic or tiny, split into training, validation (`validationSplit`
/// samples, at most a sixth of what is left) and test (a sixth).
Result<DatasetSplits> builtInSplits(const std::string &name,
                                    int64_t validationSplit, uint64_t seed) {
  Dataset all;
  if (name == "synthetic")
    all = makeSynthetic(12000, {28, 28, 1}, 10, seed);
  else if (name == "tiny")
    all = tinyDataset();
  else
    return Status::error("unknown dataset '" + name +
                         "'; expected fashion-mnist, synthetic, tiny or "
                         "idx:DIR");
  size_t testCount = all.size() / 6;
  auto split = splitTail(std::move(all), testCount);
  if (!split)
    return split.status();
  // Counted before the move: argument evaluation order is unspecified.
  size_t validationCount =
      std::min<size_t>(size_t(validationSplit), split->first.size() / 6);
  auto train = splitTail(std::move(split->first), validationCount);
  if (!train)
    return train.status();
  DatasetSplits splits;
  splits.train = std::move(train->first);
  splits.validation = std::move(train->second);
  splits.test = std::move(split->second);
  return splits;
}

} // namespace

Result<DatasetSplits> dps::rt::loadNamedDataset(const std::string &name,
                                                int64_t validationSplit,
                                                int64_t limit, uint64_t seed) {
  bool idx = name == "fashion-mnist" || name.rfind("idx:", 0) == 0;
  Result<DatasetSplits> splits =
      idx ? loadIdxFolder(name == "fashion-mnist" ? kFashionMnistFolder
                                                  : name.substr(4),
                          validationSplit)
          : builtInSplits(name, validationSplit, seed);
  if (splits && limit > 0)
    truncate(splits->train, size_t(limit));
  return splits;
}

namespace {

/// Progress on a terminal, epoch rows always.
class Console : public TrainerObserver {
public:
  Console(std::string tool, bool quiet)
      : tool(std::move(tool)), quiet(quiet), tty(isatty(STDERR_FILENO)) {}

  void header() {
    if (quiet)
      return;
    std::printf("%5s  %-34s %8s %8s %8s %7s %9s %6s  %s\n", "epoch",
                "subsets (precision:samples)", "loss", "val err", "test acc",
                "sec", "samples/s", "<f32", "store bytes per precision");
    std::fflush(stdout);
  }
  void epochStarted(const EpochPlan &plan, size_t) override {
    started = std::chrono::steady_clock::now();
    epoch = plan.epoch;
  }
  void stepDone(size_t step, size_t steps, double rate) override {
    if (quiet)
      return;
    double elapsed = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - started)
                         .count();
    double eta = elapsed / double(step) * double(steps - step);
    if (!tty) {
      // Plain lines for logs: a quarter of a long epoch at a time.
      size_t quarter = steps / 4;
      if (steps >= 64 && step % quarter == 0 && step / quarter < 4)
        std::fprintf(stderr, "epoch %d: %zu/%zu steps, %.0f samples/s, ETA "
                             "%.0f s\n",
                     epoch, step, steps, rate, eta);
      return;
    }
    if (step % 8 && step != steps)
      return;
    int filled = int(30.0 * double(step) / double(steps));
    std::fprintf(stderr, "\r[%s%s] %zu/%zu  %.0f samples/s  ETA %.0f s",
                 std::string(filled, '#').c_str(),
                 std::string(30 - filled, '.').c_str(), step, steps, rate,
                 eta);
    if (step == steps)
      std::fprintf(stderr, "\r%s\r", std::string(70, ' ').c_str());
  }
  void epochFinished(const EpochReport &e) override {
    if (quiet)
      return;
    std::string subsets, bytes;
    for (const SubsetReport &s : e.subsets)
      subsets += (subsets.empty() ? "" : " ") + s.precision + ":" +
                 std::to_string(s.samples);
    for (const auto &[precision, n] : e.sampleStoreBytes)
      if (n)
        bytes += (bytes.empty() ? "" : " ") + precision + ":" +
                 std::to_string(n);
    std::printf("%5d%s %-34s %8.4f %8.4f %8.4f %7.1f %9.0f %5.1f%%  %s\n",
                e.epoch, e.rollback ? "R" : " ", subsets.c_str(), e.trainLoss,
                e.validationError, e.testAccuracy, e.seconds,
                e.samplesPerSecond, 100 * e.lowPrecisionFraction,
                bytes.c_str());
    std::fflush(stdout);
  }
  void warning(const std::string &message) override {
    std::fprintf(stderr, "%s: warning: %s\n", tool.c_str(), message.c_str());
  }

private:
  std::string tool;
  bool quiet, tty;
  int epoch = 0;
  std::chrono::steady_clock::time_point started;
};

} // namespace

Status dps::rt::checkDevice(const std::string &device) {
  if (device == "cpu" || device == "cuda" || device == "host-mirror")
    return Status::success();
  return Status::error("--device must be cpu, cuda or host-mirror, not '" +
                       device + "'");
}

Result<std::unique_ptr<KernelBackend>>
dps::rt::openModelObject(const std::string &path, const Manifest &manifest,
                         const std::string &device) {
  if (Status s = checkDevice(device); !s)
    return s;
  if (device == "cuda")
    return openCudaBackend(path, manifest);
  auto opened = SharedObjectBackend::open(path, manifest);
  if (!opened)
    return opened.status();
  std::unique_ptr<KernelBackend> backend = opened.take();
  if (device == "host-mirror")
    return mirrorOnHost(std::move(backend), manifest);
  return backend;
}

Status dps::rt::runTrainingSession(const Manifest &manifest,
                                   KernelBackend &backend,
                                   const DatasetSplits &data,
                                   const TrainerOptions &options,
                                   const SessionOutput &output) {
  std::vector<Precision> ladder = manifest.precisions();
  auto trainer = Trainer::create(manifest, backend, data, options);
  if (!trainer)
    return trainer.status();
  Console console(output.tool, output.quiet);
  if (!output.quiet) {
    std::string rungs;
    for (const std::string &rung : manifest.ladder)
      rungs += (rungs.empty() ? "" : ",") + rung;
    std::printf("%s: %s (%s), batch %lld, ladder %s, %zu training samples; "
                "%s\n",
                output.tool.c_str(), manifest.model.c_str(),
                manifest.trainStep.c_str(), (long long)manifest.batch,
                rungs.c_str(), data.train.size(), output.source.c_str());
  }
  if (output.evalOnly) {
    auto evaluation = (*trainer)->evaluate();
    if (!evaluation)
      return evaluation.status();
    std::printf("test accuracy %.4f, mean test loss %.4f on %zu samples "
                "(not trained); params sha256 %s\n",
                evaluation->testAccuracy, evaluation->testLoss,
                data.test.size(), evaluation->paramsSha256.c_str());
    std::fflush(stdout);
    return Status::success();
  }
  console.header();
  auto report = (*trainer)->run(console);
  if (!report)
    return report.status();
  if (!output.quiet) {
    std::printf("final test accuracy %.4f in %.1f s; params sha256 %s\n",
                report->finalTestAccuracy, report->seconds,
                report->paramsSha256.c_str());
    if (const DeviceTransfers &t = report->deviceTransfers; t.calls)
      std::printf("device copies in %llu kernel calls: resident buffers "
                  "%.2f MB in, %.2f MB out; the calls' own %.2f MB in, "
                  "%.2f MB out\n",
                  (unsigned long long)t.calls, t.residentIn / 1e6,
                  t.residentOut / 1e6, t.callIn / 1e6, t.callOut / 1e6);
    std::fflush(stdout);
  }
  if (!output.metricsPath.empty())
    if (Status s = writeFileAtomically(
            output.metricsPath,
            metricsJson(*report, manifest.model, output.datasetName, ladder) +
                "\n");
        !s)
      return s;
  if (!output.plotPath.empty())
    if (Status s = writeFileAtomically(
            output.plotPath,
            svgPlot(*report, manifest.model + " on " + output.datasetName));
        !s)
      return s;
  return Status::success();
}
