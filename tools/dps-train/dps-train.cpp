//===- dps-train.cpp - train a model with dynamic precision scaling --------===//
//
// dps-train MODEL --dataset fashion-mnist --epochs N --ladder f32,bf16,f8E4M3FN
// compiles the model (its dps.train_step's defaults overridden by the flags),
// trains it, printing a row per epoch, and writes metrics, a plot and
// checkpoints on request.
//
//===----------------------------------------------------------------------===//
#include "dps/Driver/ModelCompiler.h"
#include "dps/runtime/CudaBackend.h"
#include "dps/runtime/DeviceBackend.h"
#include "dps/runtime/Trainer.h"
#include "dps/runtime/TrainingSession.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <unistd.h>

namespace cl = llvm::cl;
using namespace dps;

namespace {

cl::OptionCategory trainOptions("dps-train options");

cl::opt<std::string> modelPath(cl::Positional, cl::cat(trainOptions), cl::desc("<model.mlir>"),
                               cl::Required);
cl::opt<std::string> manifestPath(
    "manifest", cl::cat(trainOptions),
    cl::desc("The manifest of a compiled model (default: MODEL with .json "
             "for .so)"));
cl::opt<std::string> device(
    "device", cl::cat(trainOptions),
    cl::desc("cpu; cuda: run a model compiled for NVIDIA GPUs "
             "(dps-translate --dps-to-object --dps-gpu, linked into a .so) "
             "on CUDA device 0; or host-mirror: the CPU's kernels on copies "
             "of their buffers kept as on a GPU, stale copies poisoned (checks "
             "the runtime's device protocol without one)"),
    cl::init("cpu"));
cl::opt<std::string> datasetName(
    "dataset",
    cl::cat(trainOptions), cl::desc("fashion-mnist (Debian's dataset-fashion-mnist), synthetic, "
             "tiny, or idx:DIR (an MNIST-layout IDX folder)"),
    cl::init("fashion-mnist"));
cl::opt<bool> evalOnly("eval-only", cl::cat(trainOptions),
                       cl::desc("Evaluate the model's initial parameters (an "
                                "imported model's own weights) on the test "
                                "split; no training"));
cl::opt<int> epochs("epochs", cl::cat(trainOptions), cl::desc("Epochs to train"), cl::init(15));
cl::opt<int64_t> batch("batch", cl::cat(trainOptions), cl::desc("Batch size (overrides the model's)"),
                       cl::init(0));
cl::opt<double> learningRate("lr", cl::cat(trainOptions), cl::desc("Learning rate (overrides the "
                                            "model's)"),
                             cl::init(0));
cl::opt<std::string> ladderText(
    "ladder",
    cl::cat(trainOptions), cl::desc("Precision ladder, most precise first (default: the model's); "
             "--ladder f32 is the full-precision baseline"));
cl::opt<int> subsets("subsets", cl::cat(trainOptions),
                      cl::desc("Subsets of the first epoch, on rungs spread "
                               "evenly down the ladder (default: one per "
                               "rung)"),
                      cl::init(0));
cl::opt<int> decayEpochs("decay-epochs",
                         cl::cat(trainOptions), cl::desc("Epochs over which the subset shares move "
                                  "from thirds to mostly low precision"),
                         cl::init(8));
cl::opt<std::string> rollback(
    "rollback",
    cl::cat(trainOptions), cl::desc("Rollback to maximum precision after validation error rises: "
             "best (against the best so far, with --rollback-tolerance), "
             "previous (claim 9 literally), never"),
    cl::init("best"));
cl::opt<double> rollbackTolerance("rollback-tolerance",
                                  cl::cat(trainOptions), cl::desc("Tolerance of --rollback best"),
                                  cl::init(0.01));
cl::opt<bool> finalFullPrecision("final-full-precision",
                                 cl::cat(trainOptions), cl::desc("Run the last epoch at the "
                                          "maximum precision"));
cl::opt<bool> noProbe("no-probe", cl::cat(trainOptions),
                      cl::desc("No loss probe before epoch 1, which then "
                               "runs every sample at the top precision"));
cl::opt<int> probeEvery("probe-every",
                        cl::cat(trainOptions), cl::desc("Re-measure losses every N epochs"),
                        cl::init(0));
cl::opt<int>
    lanes("lanes", cl::cat(trainOptions),
          cl::desc("A step whose only rung is the ladder's top one (a one-rung "
                   "ladder, a rollback epoch) computes its rows in this many "
                   "gradient calls at once, 1 or 2 (default 2 on the CPU, 1 on "
                   "CUDA); results depend on it, not on --threads"),
          cl::init(0));
cl::opt<std::string> batching(
    "batching",
    cl::cat(trainOptions), cl::desc("mixed: shuffled batches split into per-rung micro-batches; "
             "subset: each batch from one subset (the literal mode)"),
    cl::init("mixed"));
cl::opt<int64_t> validationSplit("val-split",
                                 cl::cat(trainOptions), cl::desc("Training samples held out for "
                                          "validation"),
                                 cl::init(5000));
cl::opt<int64_t> limit("limit", cl::cat(trainOptions), cl::desc("Train on the first N samples only"),
                       cl::init(0));
cl::opt<uint64_t> seed("seed", cl::cat(trainOptions), cl::desc("Random seed"), cl::init(1));
cl::opt<std::string> metricsPath("metrics", cl::cat(trainOptions), cl::desc("Write metrics JSON here"));
cl::opt<std::string> plotPath("plot", cl::cat(trainOptions), cl::desc("Write an SVG plot here"));
cl::opt<std::string> checkpointFolder("checkpoint",
                                      cl::cat(trainOptions), cl::desc("Checkpoint into this folder "
                                               "after every epoch"));
cl::opt<bool> resume("resume", cl::cat(trainOptions), cl::desc("Resume from --checkpoint"));
cl::opt<std::string> cacheFolder(
    "cache-dir",
    cl::cat(trainOptions), cl::desc("Cache compiled kernels here (default: "
                                    "$XDG_CACHE_HOME/dps or ~/.cache/dps)"));
cl::opt<bool> noCache("no-cache", cl::cat(trainOptions),
                      cl::desc("Always compile; neither read nor write the "
                               "kernel cache"));
cl::opt<bool> quiet("quiet", cl::cat(trainOptions), cl::desc("Only errors"));
cl::list<std::string> injectNonFinite(
    "inject-nonfinite", cl::cat(trainOptions), cl::Hidden,
    cl::desc("EPOCH:STEP:PRECISION: a NaN in the first input of that rung's "
             "first micro-batch from that step on (tests the numerical-fault "
             "paths)"));
cl::opt<int> stopAfter("stop-after-epochs",
                       cl::cat(trainOptions), cl::desc("Stop after N epochs (resume later with "
                                "--resume)"),
                       cl::init(0));

std::string defaultCacheFolder() {
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string(xdg) + "/dps";
  if (const char *home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/dps";
  return "";
}

bool isCompiledModel(const std::string &path) {
  return llvm::StringRef(path).ends_with(".so");
}

/// An AOT-compiled model: a shared object linked from dps-translate
/// --dps-to-object output and the manifest --dps-to-manifest wrote for it.
rt::Result<CompiledModel> openCompiledModel(const std::string &path) {
  std::string manifestFile =
      manifestPath.empty() ? path.substr(0, path.size() - 3) + ".json"
                           : std::string(manifestPath);
  if (access(manifestFile.c_str(), R_OK) != 0)
    return rt::Status::error(manifestFile + ": cannot read the manifest of " +
                             path + " (--manifest names another)");
  auto manifest = rt::readManifest(manifestFile);
  if (!manifest)
    return manifest.status();
  CompiledModel model;
  model.manifest = manifest.take();
  auto backend = rt::openModelObject(path, model.manifest, device);
  if (!backend)
    return backend.status();
  model.backend = backend.take();
  return model;
}

int fail(const std::string &message) {
  llvm::errs() << "dps-train: error: " << message << "\n";
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // LLVM registers a "threads" option of its own: dps-train's replaces it.
  cl::getRegisteredOptions().erase("threads");
  cl::opt<int> threads(
      "threads", cl::cat(trainOptions),
      cl::desc("threads: a step's rungs (or a lone top rung's two lanes) "
               "run at the same time, one thread each, and a kernel running "
               "alone shares its row tiles between them (default: "
               "OMP_NUM_THREADS, else every core); results do not depend on "
               "it"),
      cl::init(0));
  cl::HideUnrelatedOptions(trainOptions);
  cl::ParseCommandLineOptions(
      argc, argv,
      "dps-train: train a model with dynamic precision scaling\n\n"
      "  dps-train examples/mlp.mlir --dataset fashion-mnist --epochs 15\n");

  if (epochs < 1)
    return fail("--epochs must be at least 1");
  if (threads < 0)
    return fail("--threads must be at least 1 (or 0: OpenMP's default)");
  if (lanes.getNumOccurrences() && lanes != 1 && lanes != 2)
    return fail("--lanes must be 1 or 2, not " + std::to_string(lanes));
  // Read by the OpenMP runtime when the first kernel starts its threads.
  if (threads > 0)
    setenv("OMP_NUM_THREADS", std::to_string(threads).c_str(), 1);
  if (resume && checkpointFolder.empty())
    return fail("--resume needs --checkpoint DIR");
  if (batching != "mixed" && batching != "subset")
    return fail("--batching is mixed or subset, not '" + batching + "'");
  rt::RollbackMode mode;
  if (rollback == "best")
    mode = rt::RollbackMode::BestWithTolerance;
  else if (rollback == "previous")
    mode = rt::RollbackMode::PreviousEpoch;
  else if (rollback == "never")
    mode = rt::RollbackMode::Never;
  else
    return fail("--rollback is best, previous or never, not '" + rollback +
                "'");

  CompileOverrides overrides;
  if (batch > 0)
    overrides.batch = batch;
  else if (batch < 0)
    return fail("--batch must be positive");
  if (learningRate > 0)
    overrides.learningRate = learningRate;
  else if (learningRate < 0)
    return fail("--lr must be positive");
  if (!ladderText.empty()) {
    auto ladder = rt::parseLadder(ladderText);
    if (!ladder)
      return fail("--ladder: " + ladder.status().message());
    std::vector<std::string> names;
    for (rt::Precision p : *ladder)
      names.emplace_back(rt::name(p));
    overrides.ladder = names;
  }
  if (!noCache)
    overrides.cacheFolder =
        cacheFolder.empty() ? defaultCacheFolder() : std::string(cacheFolder);
  if (access(modelPath.c_str(), R_OK) != 0)
    return fail(modelPath + ": no such model file");
  if (rt::Status s = rt::checkDevice(device); !s)
    return fail(s.message());
  if (device == "cuda" && !rt::cudaBackendBuilt())
    return fail(rt::openCudaBackend(modelPath, {}).status().message());
  if (device == "cuda" && !isCompiledModel(modelPath))
    return fail("--device cuda runs models compiled for the GPU: build one "
                "with dps-translate --dps-to-object --dps-gpu (and "
                "--dps-to-manifest), link it into a .so and train that");

  auto data = rt::loadNamedDataset(datasetName, validationSplit, limit, seed);
  if (!data)
    return fail(data.status().message());

  bool aot = isCompiledModel(modelPath);
  if (aot && (overrides.batch || overrides.learningRate || overrides.ladder))
    return fail("--batch, --lr and --ladder change how a model compiles; " +
                modelPath + " is compiled already");
  auto compiled =
      aot ? openCompiledModel(modelPath) : compileModel(modelPath, overrides);
  if (!compiled)
    return fail(compiled.status().message());
  if (!aot && device == "host-mirror") // (an object's is opened so)
    compiled->backend =
        rt::mirrorOnHost(std::move(compiled->backend), compiled->manifest);
  const rt::Manifest &manifest = compiled->manifest;
  std::vector<rt::Precision> ladder = manifest.precisions();

  rt::TrainerOptions options;
  if (subsets.getNumOccurrences() &&
      (subsets < 1 || size_t(subsets) > ladder.size()))
    return fail("--subsets must be between 1 and the ladder's " +
                std::to_string(ladder.size()) + " rungs, not " +
                std::to_string(subsets));
  options.schedule = rt::ScheduleConfig::defaults(ladder, epochs, subsets);
  options.schedule.decayEpochs = std::max(1, std::min<int>(decayEpochs, epochs));
  options.schedule.rollback = mode;
  options.schedule.rollbackTolerance = rollbackTolerance;
  options.schedule.finalFullPrecision = finalFullPrecision;
  options.schedule.probeFirstEpoch = !noProbe;
  options.schedule.probeEvery = probeEvery;
  options.seed = seed;
  options.subsetBatching = batching == "subset";
  options.checkpointFolder = checkpointFolder;
  options.resume = resume;
  options.stopAfter = stopAfter;
  // The CPU's threads: each rung of a step on its own, the update on all.
  // (A GPU runs one kernel after another on its stream.)
  options.threads = device == "cuda"  ? 1
                    : threads > 0      ? unsigned(threads)
                                       : rt::defaultThreads();
  // A GPU's kernel on a whole batch beats two on halves.
  options.lanes = lanes.getNumOccurrences() ? unsigned(lanes) // 1 or 2
                  : device == "cuda"        ? 1
                                            : 2;
  for (const std::string &text : injectNonFinite) {
    llvm::SmallVector<llvm::StringRef> parts;
    llvm::StringRef(text).split(parts, ':');
    rt::TrainerOptions::Fault fault;
    if (parts.size() != 3 || parts[0].getAsInteger(10, fault.epoch) ||
        parts[1].getAsInteger(10, fault.step) ||
        !llvm::is_contained(manifest.ladder, parts[2].str()))
      return fail("--inject-nonfinite wants EPOCH:STEP:PRECISION with a "
                  "precision of the ladder, not '" + text + "'");
    fault.precision = parts[2].str();
    options.faults.push_back(fault);
  }

  rt::SessionOutput output;
  output.datasetName = datasetName;
  output.source =
      aot ? std::string("compiled model")
          : llvm::formatv(compiled->fromCache
                              ? "kernels from the cache in {0:f2} s"
                              : "compiled in {0:f2} s",
                          compiled->compileSeconds)
                .str();
  output.quiet = quiet;
  output.evalOnly = evalOnly;
  output.metricsPath = metricsPath;
  output.plotPath = plotPath;
  if (rt::Status s = rt::runTrainingSession(manifest, *compiled->backend,
                                            *data, options, output);
      !s)
    return fail(s.message());
  return 0;
}
