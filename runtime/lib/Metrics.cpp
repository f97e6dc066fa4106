//===- Metrics.cpp - the metrics JSON of a run -----------------------------===//
#include "dps/runtime/Trainer.h"

#include <nlohmann/json.hpp>

using namespace dps::rt;
using nlohmann::json;

std::string dps::rt::metricsJson(const RunReport &report,
                                 const std::string &model,
                                 const std::string &dataset,
                                 const std::vector<Precision> &ladder) {
  json epochs = json::array();
  for (const EpochReport &e : report.epochs) {
    json subsets = json::array();
    for (const SubsetReport &s : e.subsets)
      subsets.push_back({{"precision", s.precision},
                         {"samples", s.samples},
                         {"mean_loss", s.meanLoss},
                         {"steps", s.time.steps},
                         {"ahead_steps", s.time.aheadSteps},
                         {"refresh_seconds", s.time.refreshSeconds},
                         {"gather_seconds", s.time.gatherSeconds},
                         {"kernel_seconds", s.time.kernelSeconds}});
    epochs.push_back({{"epoch", e.epoch},
                      {"subsets", subsets},
                      {"train_loss", e.trainLoss},
                      {"val_error", e.validationError},
                      {"test_accuracy", e.testAccuracy},
                      {"seconds", e.seconds},
                      {"train_seconds", e.trainSeconds},
                      {"probe_seconds", e.probeSeconds},
                      {"rung_seconds", e.rungSeconds},
                      {"update_seconds", e.updateSeconds},
                      {"samples_per_second", e.samplesPerSecond},
                      {"low_precision_fraction", e.lowPrecisionFraction},
                      {"sample_store_bytes", e.sampleStoreBytes},
                      {"param_bytes", e.paramBytes},
                      {"rollback", e.rollback},
                      {"probe", e.probe},
                      {"skipped_steps", e.skippedSteps},
                      {"update_kernels", e.updateKernels}});
  }
  json ladderNames = json::array();
  for (Precision p : ladder)
    ladderNames.push_back(std::string(name(p)));
  json root = {{"model", model},
               {"dataset", dataset},
               {"ladder", ladderNames},
               {"source_bytes", report.sourceBytes},
               {"resumed_from_epoch",
                report.resumedFromEpoch < 0 ? json(nullptr)
                                            : json(report.resumedFromEpoch)},
               {"epochs", epochs},
               {"final",
                {{"test_accuracy", report.finalTestAccuracy},
                 {"seconds", report.seconds},
                 {"params_sha256", report.paramsSha256}}}};
  if (const DeviceTransfers &t = report.deviceTransfers; t.calls)
    root["final"]["device_transfers"] = {{"kernel_calls", t.calls},
                                         {"resident_bytes_in", t.residentIn},
                                         {"resident_bytes_out", t.residentOut},
                                         {"call_bytes_in", t.callIn},
                                         {"call_bytes_out", t.callOut}};
  return root.dump(2);
}

Result<std::vector<EpochReport>> dps::rt::parseEpochs(const std::string &text) {
  try {
    json root = json::parse(text);
    std::vector<EpochReport> epochs;
    for (const json &e : root.at("epochs")) {
      EpochReport report;
      report.epoch = e.at("epoch").get<int>();
      for (const json &s : e.at("subsets")) {
        SubsetReport subset;
        subset.precision = s.at("precision").get<std::string>();
        subset.samples = s.at("samples").get<size_t>();
        subset.meanLoss = s.at("mean_loss").get<double>();
        subset.time.steps = s.value("steps", size_t(0));
        subset.time.aheadSteps = s.value("ahead_steps", size_t(0));
        subset.time.refreshSeconds = s.value("refresh_seconds", 0.0);
        subset.time.gatherSeconds = s.value("gather_seconds", 0.0);
        subset.time.kernelSeconds = s.value("kernel_seconds", 0.0);
        report.subsets.push_back(std::move(subset));
      }
      report.trainLoss = e.at("train_loss").get<double>();
      report.validationError = e.at("val_error").get<double>();
      report.testAccuracy = e.at("test_accuracy").get<double>();
      report.seconds = e.at("seconds").get<double>();
      report.trainSeconds = e.value("train_seconds", report.seconds);
      report.probeSeconds = e.value("probe_seconds", 0.0);
      report.rungSeconds = e.value("rung_seconds", 0.0);
      report.updateSeconds = e.value("update_seconds", 0.0);
      report.samplesPerSecond = e.at("samples_per_second").get<double>();
      report.lowPrecisionFraction =
          e.at("low_precision_fraction").get<double>();
      report.sampleStoreBytes =
          e.at("sample_store_bytes").get<std::map<std::string, size_t>>();
      report.paramBytes =
          e.at("param_bytes").get<std::map<std::string, size_t>>();
      report.rollback = e.at("rollback").get<bool>();
      report.probe = e.value("probe", false);
      report.skippedSteps = e.value("skipped_steps", 0);
      report.updateKernels =
          e.value("update_kernels", std::map<std::string, size_t>());
      epochs.push_back(std::move(report));
    }
    return epochs;
  } catch (const std::exception &e) {
    return Status::error(std::string("corrupt metrics in the checkpoint: ") +
                         e.what());
  }
}
