//===- Trainer.cpp - the epoch loop of dynamic precision scaling -----------===//
#include "dps/runtime/Trainer.h"
#include "dps/runtime/Bucketer.h"
#include "dps/runtime/Checkpoint.h"
#include "dps/runtime/CpuFeatures.h"
#include "dps/runtime/ParameterBuffers.h"
#include "dps/runtime/SampleStore.h"
#include "dps/runtime/Scalers.h"
#include "dps/runtime/Sha256.h"
#include "dps/runtime/TaskPool.h"
#include "dps/runtime/TrainingState.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>

using namespace dps::rt;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Per-rung state of the gradient kernel: its spec and scratch buffers, all
/// its own, so that the rungs of a step can run at the same time.
struct Rung {
  Precision precision;
  std::string name;
  const KernelSpec *grad = nullptr, *refresh = nullptr;
  std::vector<uint8_t> input;
  /// The next step's samples, gathered ahead by a thread that ran out of
  /// rungs while others still ran (`aheadStep`: the step they are for).
  std::vector<uint8_t> aheadInput;
  int64_t aheadStep = -1;
  double aheadSeconds = 0; // gathering ahead this epoch
  std::vector<int32_t> labels;
  std::vector<float> amaxScaling;
  std::unique_ptr<AmaxHistory> history;
  std::unique_ptr<LossScaler> scaler;
  /// The rung's gradient set (its kernel overwrites it; the update reads
  /// every rung's), and whether it holds a gradient rather than zeros.
  std::vector<KernelBuffer<uint8_t> *> gradients;
  bool gradientsWritten = false;
  // This step's work, set before the rungs run: the samples, whether the
  // copies need a refresh first, a NaN to inject (tests).
  const std::vector<uint32_t> *members = nullptr;
  bool refreshDue = false, injectNaN = false, gathered = false;
  /// The epoch's time in the rung's thread so far (for its SubsetReport).
  RungTime time;
  /// One gradient call's own buffers and results: per-sample losses, the
  /// overflow flag, the observed amax, the random seeds of its kernels in
  /// call order (the refresh's in the first lane's), and how it went.
  struct Lane {
    std::vector<float> losses, amaxObserved;
    std::vector<int32_t> overflow = {0};
    std::vector<uint64_t> seeds;
    size_t nextSeed = 0;
    Status status = Status::success();
  };
  /// Lanes: a step whose only rung this is computes its rows in two
  /// gradient calls at once, rows [0, laneStart) in lanes[0] and
  /// [laneStart, rows) in lanes[1] (laneStart 0: one call, lanes[0]). The
  /// second call's input and labels lie in the rung's, after the first's;
  /// it writes a gradient set of its own (`secondArgs`: the gradient
  /// kernel's arguments with that set), which `laneUpdate` (the model's
  /// `update_lanes_<rung>`; null: never split) sums with the first.
  Lane lanes[2];
  size_t laneStart = 0;
  const KernelSpec *laneUpdate = nullptr;
  std::vector<void *> secondArgs;
};

/// The OpenMP runtime the compiled kernels share their threads through
/// (LLVM's libomp, loaded with the model), found through the backend; all
/// null for kernels compiled without OpenMP.
struct OpenMP {
  using SetInt = void (*)(int);
  /// libomp's GNU-compatible entry: runs `body(data)` on a team of
  /// `threads` (the caller one of them) and returns when all are done.
  using Parallel = void (*)(void (*body)(void *), void *data, unsigned threads,
                            unsigned flags);
  SetInt setNumThreads = nullptr;
  Parallel parallel = nullptr;

  explicit OpenMP(KernelBackend &backend) {
    auto find = [&](auto &function, const char *name) {
      function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(
          const_cast<void *>(backend.symbol(name)));
    };
    find(setNumThreads, "omp_set_num_threads");
    find(parallel, "GOMP_parallel");
  }
  /// Whether a team of the kernels' own threads can run the rungs.
  bool hasTeams() const { return setNumThreads && parallel; }
};

} // namespace

struct Trainer::Impl {
  const Manifest &manifest;
  KernelBackend &backend;
  const DatasetSplits &data;
  TrainerOptions options;
  Schedule schedule;
  ParameterBuffers params;
  SampleStore store;
  /// Where each rung's rows were when a device last copied them.
  std::vector<SampleStore::Rows> storeOnDevice;
  std::vector<Rung> rungs;
  const KernelSpec *eval = nullptr;
  /// The update kernels, fewest gradient sets read first, and which of the
  /// run's rungs' sets each reads (bit r: rungs[r]). A step calls the first
  /// that reads the sets of all its rungs.
  struct Update {
    const KernelSpec *kernel;
    uint32_t reads;
  };
  std::vector<Update> updates;
  /// Each kernel's parameter buffers, by argument (null: the argument is
  /// not one), resolved once by name: a step's calls would otherwise look
  /// ~150 names up. The buffers never move once allocated.
  std::unordered_map<const KernelSpec *, std::vector<void *>> parameterArgs;
  size_t batch, sampleSize;
  /// The eval kernel's buffers, one set per thread that evaluates batches.
  struct EvalLane {
    std::vector<float> input, losses;
    std::vector<int32_t> labels, predictions;
    Status status = Status::success();
  };
  std::vector<EvalLane> evalLanes;
  /// evaluate()'s set and results per sample (the losses into the caller's
  /// vector, else ownEvalLosses), and the next of its batches for a team
  /// member to take.
  const Dataset *evalSet = nullptr;
  float *evalLosses = nullptr;
  std::vector<float> ownEvalLosses;
  std::vector<uint8_t> evalWrong;
  std::atomic<size_t> nextEvalBatch{0}, nextEvalLane{0};
  /// A step's rungs run at the same time, one thread each, their kernels
  /// single-threaded, when the run has more than one thread: on a team of
  /// the kernels' OpenMP threads, or on a pool for kernels without OpenMP.
  unsigned rungThreads = 1;
  std::unique_ptr<OpenMP> openmp;
  std::unique_ptr<TaskPool> pool;

  // Run state (checkpointed).
  TrainingState state;

  Impl(const Manifest &manifest, KernelBackend &backend,
       const DatasetSplits &data, TrainerOptions options,
       ParameterBuffers params)
      : manifest(manifest), backend(backend), data(data),
        options(std::move(options)), schedule(this->options.schedule),
        params(std::move(params)),
        store(data.train, this->options.schedule.ladder) {}

  /// Calls `kernel` with the buffers of `rung`'s lane `lane` or of the
  /// evaluation lane `eval`.
  Status callKernel(const KernelSpec &kernel, int64_t rows, int64_t step,
                    int64_t totalSteps, Rung *rung, void *input,
                    EvalLane *eval = nullptr, unsigned lane = 0);
  void prepare(Rung &rung, const std::vector<uint32_t> &members, int epoch,
               size_t step, bool alone);
  void refresh(Rung &rung);
  /// Tells a device backend which of the store's rungs the last assign()
  /// moved or rewrote.
  void storeAssigned();
  /// Gathers rows `indices` of `from` (`fromBytes`) into `to` (`toBytes`)
  /// from row `first` on, on the backend's device.
  Status gatherOnDevice(const void *from, size_t fromBytes,
                        const std::vector<uint32_t> &indices, size_t rowBytes,
                        void *to, size_t toBytes, size_t first);
  void runRung(Rung &rung);
  void runLane(Rung &rung, unsigned lane);
  /// One thread's part of a step: a rung, or one lane of the step's only
  /// rung.
  struct Job {
    Rung *rung;
    unsigned lane;
  };
  void runJob(const Job &job) {
    if (job.rung->laneStart)
      runLane(*job.rung, job.lane);
    else
      runRung(*job.rung);
  }
  Status runRungs(const std::vector<Rung *> &present);
  /// runRungs' order and tasks, kept across steps (no allocation per step).
  std::vector<Job> rungOrder;
  std::vector<std::function<void()>> rungTasks;
  /// The next of rungOrder for a team member to take, and how many of
  /// them are running.
  std::atomic<size_t> nextRung{0}, runningRungs{0};
  /// The next step's rungs and members, which team members that run out of
  /// rungs gather ahead (the next of aheadOrder to take) while others run.
  std::vector<std::pair<Rung *, const std::vector<uint32_t> *>> aheadOrder;
  std::atomic<size_t> nextAhead{0};
  static void rungTeamMember(void *impl);
  void gatherAhead();
  Result<std::pair<double, double>> evaluate(const Dataset &set,
                                             std::vector<float> *perSample);
  void evaluateBatches(EvalLane &lane);
  static void evalTeamMember(void *impl);
  Result<EpochReport> epoch(TrainerObserver &observer);
  /// Brings the host's copies of the masters (and the optimizer state)
  /// up to date where the kernels run on a device.
  Status fetchMasters(bool withState);
  Status saveState();
  Status restore(TrainerObserver &observer, std::vector<EpochReport> &epochs);
  Result<std::string> fingerprint();
};

Status Trainer::Impl::callKernel(const KernelSpec &kernel, int64_t rows,
                                 int64_t step, int64_t totalSteps, Rung *rung,
                                 void *input, EvalLane *eval, unsigned lane) {
  // One per thread (rungs call at once), reused: no allocation per call.
  thread_local std::vector<KernelValue> args;
  args.clear();
  Rung::Lane *own = rung ? &rung->lanes[lane] : nullptr;
  const std::vector<void *> &buffers =
      lane ? rung->secondArgs : parameterArgs.at(&kernel);
  for (size_t i = 0; i < kernel.args.size(); ++i) {
    const ArgSpec &arg = kernel.args[i];
    if (void *data = buffers[i]) {
      args.push_back(KernelValue::memref(data, arg.shape));
      continue;
    }
    switch (arg.role) {
    case Role::Param: // params.buffer, above
    case Role::ParamCopy:
    case Role::OptState:
    case Role::GradAcc:
      break;
    case Role::Input:
      args.push_back(KernelValue::memref(input, arg.shape));
      break;
    case Role::Label:
      args.push_back(KernelValue::memref(rung ? rung->labels.data() +
                                                    (lane ? rung->laneStart : 0)
                                              : eval->labels.data(),
                                         arg.shape));
      break;
    case Role::Rows:
      args.push_back(KernelValue::index(rows));
      break;
    case Role::Step:
      args.push_back(KernelValue::index(step));
      break;
    case Role::TotalSteps:
      args.push_back(KernelValue::index(totalSteps));
      break;
    case Role::LossScale:
      args.push_back(KernelValue::f32(rung && rung->scaler
                                          ? rung->scaler->scale()
                                          : 1.0f));
      break;
    case Role::Overflow:
      args.push_back(KernelValue::memref(own->overflow.data(), arg.shape));
      break;
    case Role::Amax:
      args.push_back(KernelValue::memref(arg.name == "amax.scaling"
                                             ? rung->amaxScaling.data()
                                             : own->amaxObserved.data(),
                                         arg.shape));
      break;
    case Role::Losses:
      args.push_back(KernelValue::memref(
          own ? own->losses.data() : eval->losses.data(), arg.shape));
      break;
    case Role::Predictions:
      args.push_back(KernelValue::memref(eval->predictions.data(), arg.shape));
      break;
    case Role::Seed:
      args.push_back(KernelValue::index(
          int64_t(own ? own->seeds.at(own->nextSeed++) : state.roundingRng())));
      break;
    }
  }
  return backend.call(kernel.name, args);
}

/// Decides, before the rungs run, what the rung does this step: everything
/// that touches state shared between rungs (faults, the refresh marks, the
/// rounding generator) happens here, in ladder order.
void Trainer::Impl::prepare(Rung &rung, const std::vector<uint32_t> &members,
                            int epoch, size_t step, bool alone) {
  rung.members = &members;
  // Whether it computes in two lanes depends on the step and the options
  // (no laneUpdate with --lanes 1), never on the threads: the weight
  // gradients sum each lane's rows first.
  rung.laneStart = alone && rung.laneUpdate && members.size() >= 2
                       ? (members.size() + 1) / 2
                       : 0;
  rung.refreshDue = rung.refresh && !params.isFresh(rung.name);
  rung.injectNaN = false;
  auto &faults = options.faults;
  for (auto it = faults.begin(); it != faults.end(); ++it)
    if (it->precision == rung.name &&
        std::make_pair(epoch, int(step)) >= std::make_pair(it->epoch, it->step)) {
      rung.injectNaN = true;
      faults.erase(it);
      break;
    }
  for (Rung::Lane &lane : rung.lanes) {
    lane.seeds.clear();
    lane.nextSeed = 0;
    lane.overflow[0] = 0;
  }
  auto draw = [&](const KernelSpec *kernel, std::vector<uint64_t> &seeds) {
    if (kernel)
      for (const ArgSpec &arg : kernel->args)
        if (arg.role == Role::Seed)
          seeds.push_back(state.roundingRng());
  };
  draw(rung.refreshDue ? rung.refresh : nullptr, rung.lanes[0].seeds);
  draw(rung.grad, rung.lanes[0].seeds);
  if (rung.laneStart)
    draw(rung.grad, rung.lanes[1].seeds);
  if (rung.history)
    rung.history->scalingAmax(rung.amaxScaling.data());
}

/// Refreshes the rung's copies from the masters (its refresh kernel).
void Trainer::Impl::refresh(Rung &rung) {
  Clock::time_point start = Clock::now();
  rung.lanes[0].status = callKernel(*rung.refresh, 0, 0, 1, &rung, nullptr);
  rung.time.refreshSeconds += secondsSince(start);
}

void Trainer::Impl::storeAssigned() {
  storeOnDevice.resize(store.rungs(), SampleStore::Rows{nullptr, 0});
  // Buffers that moved or changed size first: a rung's new buffer may lie
  // where another's was.
  for (size_t r = 0; r < store.rungs(); ++r) {
    SampleStore::Rows now = store.rows(r), &before = storeOnDevice[r];
    if (now.data != before.data || now.bytes != before.bytes) {
      backend.forget(before.data);
      before = {nullptr, 0};
    }
  }
  for (size_t r = 0; r < store.rungs(); ++r) {
    SampleStore::Rows now = store.rows(r), &before = storeOnDevice[r];
    if (before.data && store.rewritten(r))
      backend.hostWrote(now.data);
    before = now;
  }
}

Status Trainer::Impl::gatherOnDevice(const void *from, size_t fromBytes,
                                     const std::vector<uint32_t> &indices,
                                     size_t rowBytes, void *to, size_t toBytes,
                                     size_t first) {
  return backend.gatherRows({from, fromBytes, indices.data(), indices.size(),
                             rowBytes, to, toBytes, first * rowBytes});
}

/// One rung's part of a step: refresh its copies if due, then its one
/// gradient call. Touches only the rung's buffers (and reads the masters),
/// so rungs may run at once.
void Trainer::Impl::runRung(Rung &rung) {
  if (rung.refreshDue) {
    refresh(rung);
    if (!rung.lanes[0].status)
      return;
  }
  runLane(rung, 0);
}

/// A gradient call of the rung (its copies refreshed): gathers the lane's
/// rows into its part of the rung's input (unless gathered ahead) and runs
/// the gradient kernel on them, into the lane's gradient set. The first
/// lane's time is the rung's.
void Trainer::Impl::runLane(Rung &rung, unsigned lane) {
  const std::vector<uint32_t> &members = *rung.members;
  size_t begin = lane ? rung.laneStart : 0,
         end = lane || !rung.laneStart ? members.size() : rung.laneStart;
  size_t r = size_t(&rung - rungs.data());
  uint8_t *input = rung.input.data() + begin * store.rowBytes(r);
  Clock::time_point phase = Clock::now();
  Status &status = rung.lanes[lane].status;
  if (backend.onDevice()) {
    // The lane's labels and rows, from the dataset's and the store's copies
    // on the device into the batch's there.
    thread_local std::vector<uint32_t> indices;
    indices.assign(members.begin() + begin, members.begin() + end);
    const std::vector<int32_t> &labels = data.train.labels;
    status = gatherOnDevice(labels.data(), labels.size() * sizeof(int32_t),
                            indices, sizeof(int32_t), rung.labels.data(),
                            rung.labels.size() * sizeof(int32_t), begin);
    if (!status)
      return;
    store.rowIndices(r, members.data() + begin, end - begin, indices.data());
    SampleStore::Rows rows = store.rows(r);
    status = gatherOnDevice(rows.data, rows.bytes, indices, store.rowBytes(r),
                            rung.input.data(), rung.input.size(), begin);
    if (!status)
      return;
  } else {
    if (!rung.gathered)
      store.gather(r, members.data() + begin, end - begin, input);
    for (size_t i = begin; i < end; ++i)
      rung.labels[i] = data.train.labels[members[i]];
  }
  if (rung.injectNaN && lane == 0) {
    // (On a device, only this value: the other lane gathers its rows into
    // the same buffer meanwhile.)
    float nan = NAN;
    narrow(&nan, 1, rung.precision, input, /*saturate=*/false);
    if (status = backend.writeThrough(input, bytesPerElement(rung.precision));
        !status)
      return;
  }
  double gatherSeconds = secondsSince(phase);
  phase = Clock::now();
  status =
      callKernel(*rung.grad, end - begin, 0, 1, &rung, input, nullptr, lane);
  if (lane)
    return;
  ++rung.time.steps;
  rung.time.aheadSteps += rung.gathered;
  rung.time.gatherSeconds += gatherSeconds;
  rung.time.kernelSeconds += secondsSince(phase);
}

void Trainer::Impl::rungTeamMember(void *impl) {
  Impl &t = *static_cast<Impl *>(impl);
  t.openmp->setNumThreads(1);
  for (size_t i = t.nextRung++; i < t.rungOrder.size(); i = t.nextRung++) {
    ++t.runningRungs;
    t.runJob(t.rungOrder[i]);
    --t.runningRungs;
  }
  t.gatherAhead();
}

/// While other members still run rungs, gathers the next step's samples of
/// its rungs into their ahead buffers, which no running rung touches (the
/// thread with the smaller rungs would otherwise wait: the gathers of the
/// rung with the most samples leave its thread's critical path).
void Trainer::Impl::gatherAhead() {
  while (runningRungs > 0) {
    size_t i = nextAhead++;
    if (i >= aheadOrder.size())
      return;
    auto [rung, members] = aheadOrder[i];
    Clock::time_point start = Clock::now();
    store.gather(size_t(rung - rungs.data()), *members,
                 rung->aheadInput.data());
    rung->aheadStep = state.step + 1; // the step does not change meanwhile
    rung->aheadSeconds += secondsSince(start);
  }
}

Status Trainer::Impl::runRungs(const std::vector<Rung *> &present) {
  // Rows gathered ahead in the previous step take the place of a gather.
  for (Rung *rung : present) {
    rung->gathered = rung->aheadStep == state.step;
    if (rung->gathered)
      std::swap(rung->input, rung->aheadInput);
  }
  rungOrder.clear();
  Rung *split =
      present.size() == 1 && present[0]->laneStart ? present[0] : nullptr;
  if (split) {
    // Its copies are refreshed before either lane reads them, on every
    // thread.
    if (split->refreshDue) {
      refresh(*split);
      if (!split->lanes[0].status)
        return split->lanes[0].status;
    }
    rungOrder = {{split, 0}, {split, 1}};
  } else {
    // The rungs with the most rows first: threads take them in order.
    for (Rung *rung : present)
      rungOrder.push_back({rung, 0});
    std::stable_sort(rungOrder.begin(), rungOrder.end(),
                     [](const Job &a, const Job &b) {
                       return a.rung->members->size() > b.rung->members->size();
                     });
  }
  if (rungThreads < 2 || rungOrder.size() < 2) {
    for (const Job &job : rungOrder)
      runJob(job);
  } else if (openmp->hasTeams()) {
    // The threads that run the update's parallel regions run the rungs, so
    // no other thread wants the cores and they spin, ready, between the
    // regions of a step (a second set of threads made OpenMP's sleep at
    // once after each region: a DPS run's update took ~1.5x as long).
    nextRung = 0;
    nextAhead = 0;
    openmp->parallel(&Impl::rungTeamMember, this,
                     unsigned(std::min<size_t>(rungThreads, rungOrder.size())),
                     0);
  } else {
    rungTasks.clear();
    for (const Job &job : rungOrder)
      rungTasks.push_back([this, job] { runJob(job); });
    pool->run(rungTasks);
  }
  for (const Job &job : rungOrder)
    if (Status &status = job.rung->lanes[job.lane].status; !status)
      return status;
  if (split) {
    // The second lane's results join the first's: its losses after the
    // first's rows, any overflow, the larger amax.
    auto &[first, second] = split->lanes;
    size_t rows = split->members->size() - split->laneStart;
    std::copy(second.losses.begin(), second.losses.begin() + rows,
              first.losses.begin() + split->laneStart);
    first.overflow[0] |= second.overflow[0];
    for (size_t i = 0; i < first.amaxObserved.size(); ++i)
      first.amaxObserved[i] =
          std::max(first.amaxObserved[i], second.amaxObserved[i]);
  }
  return Status::success();
}

/// Evaluates the batches of evalSet that no other lane has taken, each
/// sample's loss and whether it was right into evalLosses and evalWrong.
void Trainer::Impl::evaluateBatches(EvalLane &lane) {
  const Dataset &set = *evalSet;
  for (size_t start = nextEvalBatch++ * batch; start < set.size();
       start = nextEvalBatch++ * batch) {
    size_t rows = std::min(batch, set.size() - start);
    if (backend.onDevice()) {
      thread_local std::vector<uint32_t> indices;
      indices.resize(rows);
      std::iota(indices.begin(), indices.end(), uint32_t(start));
      lane.status =
          gatherOnDevice(set.samples.data(), set.samples.size() * sizeof(float),
                         indices, sampleSize * sizeof(float), lane.input.data(),
                         lane.input.size() * sizeof(float), 0);
      if (lane.status)
        lane.status = gatherOnDevice(
            set.labels.data(), set.labels.size() * sizeof(int32_t), indices,
            sizeof(int32_t), lane.labels.data(),
            lane.labels.size() * sizeof(int32_t), 0);
      if (!lane.status)
        return;
    } else {
      std::memcpy(lane.input.data(), set.sample(start),
                  rows * sampleSize * sizeof(float));
      std::copy(set.labels.begin() + start, set.labels.begin() + start + rows,
                lane.labels.begin());
    }
    lane.status =
        callKernel(*eval, rows, 0, 1, nullptr, lane.input.data(), &lane);
    if (!lane.status)
      return;
    for (size_t i = 0; i < rows; ++i) {
      evalLosses[start + i] = lane.losses[i];
      evalWrong[start + i] = lane.predictions[i] != set.labels[start + i];
    }
  }
}

void Trainer::Impl::evalTeamMember(void *impl) {
  Impl &t = *static_cast<Impl *>(impl);
  t.openmp->setNumThreads(1);
  t.evaluateBatches(t.evalLanes[t.nextEvalLane++]);
}

Result<std::pair<double, double>>
Trainer::Impl::evaluate(const Dataset &set, std::vector<float> *perSample) {
  // Batches are independent: with a team, each thread evaluates whole
  // batches on one core (the MLP's probe 1.4x faster than sharing each
  // batch's row tiles between two cores, which wait for each other at
  // every contraction). A row's loss is the same either way: the kernel
  // computes each output element on one thread, in one order. The sums
  // below run in sample order.
  evalSet = &set;
  // The per-sample losses go straight where the caller wants them.
  std::vector<float> &losses = perSample ? *perSample : ownEvalLosses;
  losses.assign(set.size(), 0);
  evalLosses = losses.data();
  evalWrong.assign(set.size(), 0);
  nextEvalBatch = 0;
  size_t batches = (set.size() + batch - 1) / batch;
  if (evalLanes.size() > 1 && batches > 1) {
    nextEvalLane = 0;
    openmp->parallel(&Impl::evalTeamMember, this,
                     unsigned(std::min(evalLanes.size(), batches)), 0);
  } else {
    evaluateBatches(evalLanes.front());
  }
  for (EvalLane &lane : evalLanes)
    if (!lane.status)
      return std::exchange(lane.status, Status::success());
  double lossSum = 0;
  size_t wrong = 0;
  for (size_t i = 0; i < set.size(); ++i) {
    lossSum += losses[i];
    wrong += evalWrong[i];
  }
  double n = double(std::max<size_t>(set.size(), 1));
  return std::make_pair(lossSum / n, wrong / n);
}

Status Trainer::Impl::fetchMasters(bool withState) {
  for (const auto &[name, values] : params.allMasters())
    if (Status s = backend.fetch(values.data()); !s)
      return s;
  if (withState)
    for (const auto &[name, values] : params.allStates())
      if (Status s = backend.fetch(values.data()); !s)
        return s;
  return Status::success();
}

Result<std::string> Trainer::Impl::fingerprint() {
  if (Status s = fetchMasters(/*withState=*/false); !s)
    return s;
  Sha256 sha;
  for (const auto &[name, values] : params.allMasters()) {
    sha.update(name.data(), name.size());
    sha.update(values.data(), values.size() * 4);
  }
  return sha.hex();
}

Result<EpochReport> Trainer::Impl::epoch(TrainerObserver &observer) {
  Clock::time_point start = Clock::now();
  EpochPlan plan = schedule.plan(state.schedule);
  const std::vector<Precision> &ladder = options.schedule.ladder;
  size_t n = data.train.size();
  EpochReport report;
  report.epoch = plan.epoch;
  report.rollback = plan.rollback;
  report.probe = plan.probe;

  // Claim 1: the losses the subsets are formed from, measured by a probe or
  // recorded in the previous epoch. With neither (epoch 1 without a probe)
  // every sample runs at the ladder's top precision, which measures them.
  std::vector<SubsetSpec> topOnly;
  if (plan.probe) {
    Clock::time_point probeStart = Clock::now();
    auto probed = evaluate(data.train, &state.losses);
    if (!probed)
      return probed.status();
    report.probeSeconds = secondsSince(probeStart);
  } else if (state.losses.size() != n) {
    state.losses.assign(n, 0.0f);
    topOnly.push_back({1.0, ladder.front()});
  }
  auto bucketing = bucketByLoss(state.losses,
                                topOnly.empty() ? plan.subsets : topOnly,
                                ladder);
  if (!bucketing)
    return bucketing.status();
  state.rungOf = bucketing->rung;
  if (Status s = store.assign(state.rungOf); !s)
    return s;
  if (backend.onDevice())
    storeAssigned();
  for (size_t r = 0; r < ladder.size(); ++r)
    if (bucketing->rungSamples[r])
      report.subsets.push_back({std::string(name(ladder[r])),
                                bucketing->rungSamples[r],
                                bucketing->rungMeanLoss[r], RungTime()});

  // The epoch's batches: shuffled, or (literal mode) each from one subset.
  std::vector<std::vector<uint32_t>> batches;
  if (options.subsetBatching) {
    for (size_t r = 0; r < ladder.size(); ++r) {
      std::vector<uint32_t> members;
      for (uint32_t s = 0; s < n; ++s)
        if (state.rungOf[s] == r)
          members.push_back(s);
      std::shuffle(members.begin(), members.end(), state.shuffleRng);
      for (size_t i = 0; i < members.size(); i += batch)
        batches.emplace_back(members.begin() + i,
                             members.begin() + std::min(members.size(), i + batch));
    }
    std::shuffle(batches.begin(), batches.end(), state.shuffleRng);
  } else {
    std::vector<uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), state.shuffleRng);
    for (size_t i = 0; i < n; i += batch)
      batches.emplace_back(order.begin() + i,
                           order.begin() + std::min(n, i + batch));
  }
  observer.epochStarted(plan, batches.size());
  int64_t totalSteps =
      int64_t(options.schedule.epochs) * int64_t((n + batch - 1) / batch);

  size_t lowSampleSteps = 0, sampleSteps = 0;
  // This step's samples per rung, and the next step's (gathered ahead).
  std::vector<std::vector<uint32_t>> byRung(ladder.size()),
      nextByRung(ladder.size());
  auto split = [&](size_t b, std::vector<std::vector<uint32_t>> &into) {
    for (auto &members : into)
      members.clear();
    if (b < batches.size())
      for (uint32_t s : batches[b])
        into[state.rungOf[s]].push_back(s);
  };
  split(0, nextByRung);
  std::vector<Rung *> present; // this step's rungs
  for (size_t b = 0; b < batches.size(); ++b) {
    std::swap(byRung, nextByRung);
    split(b + 1, nextByRung);
    aheadOrder.clear();
    // (A device gathers in microseconds, from its own copy of the store.)
    for (size_t r = 0; r < ladder.size() && !backend.onDevice(); ++r)
      if (!nextByRung[r].empty())
        aheadOrder.push_back({&rungs[r], &nextByRung[r]});
    present.clear();
    uint32_t presentRungs = 0; // bit r: rungs[r] has samples in this step
    for (size_t r = 0; r < ladder.size(); ++r)
      if (!byRung[r].empty()) {
        present.push_back(&rungs[r]);
        presentRungs |= 1u << r;
      }
    for (Rung *rung : present)
      prepare(*rung, byRung[size_t(rung - rungs.data())], plan.epoch, b,
              present.size() == 1);
    Clock::time_point phase = Clock::now();
    if (Status s = runRungs(present); !s)
      return s;
    report.rungSeconds += secondsSince(phase);
    bool overflow = false;
    for (Rung *rungPtr : present) {
      Rung &rung = *rungPtr;
      const std::vector<uint32_t> &members = *rung.members;
      if (rung.refreshDue)
        params.markRefreshed(rung.name);
      for (size_t i = 0; i < members.size(); ++i) {
        float loss = rung.lanes[0].losses[i];
        if (rung.precision == Precision::F32 && !std::isfinite(loss)) {
          std::string saved =
              options.checkpointFolder.empty()
                  ? "no --checkpoint was given"
              : plan.epoch > 1
                  ? "the checkpoint of epoch " +
                        std::to_string(plan.epoch - 1) + " in " +
                        options.checkpointFolder +
                        " holds the last good state"
                  : "no epoch has completed, so there is no checkpoint";
          return Status::error(
              std::string("non-finite loss (") +
              (std::isnan(loss) ? "nan" : loss > 0 ? "inf" : "-inf") +
              ") of sample " + std::to_string(members[i]) +
              " in the f32 kernel at epoch " + std::to_string(plan.epoch) +
              ", step " + std::to_string(b) + "; training stops (" + saved +
              ")");
        }
        state.losses[members[i]] = loss;
      }
      bool rungOverflow = rung.lanes[0].overflow[0] != 0;
      overflow |= rungOverflow;
      if (rung.history && !rungOverflow)
        rung.history->record(rung.lanes[0].amaxObserved.data());
      if (rung.scaler)
        rung.scaler->update(rungOverflow);
      sampleSteps += members.size();
      if (rung.precision != Precision::F32)
        lowSampleSteps += members.size();
    }
    // The update sums the sets it reads: those of rungs absent from this
    // step must be zero. A rung that ran in two lanes has its own.
    Update update =
        present.size() == 1 && present[0]->laneStart
            ? Update{present[0]->laneUpdate, presentRungs}
            : *std::find_if(
                  updates.begin(), updates.end(), [&](const Update &candidate) {
                    return (candidate.reads & presentRungs) == presentRungs;
                  });
    for (size_t r = 0; r < rungs.size(); ++r) {
      Rung &rung = rungs[r];
      if (presentRungs & (1u << r))
        rung.gradientsWritten = true;
      else if (rung.gradientsWritten && (update.reads & (1u << r))) {
        for (KernelBuffer<uint8_t> *set : rung.gradients)
          if (Status s = backend.zero(set->data(), set->size()); !s)
            return s;
        rung.gradientsWritten = false;
      }
    }
    if (overflow) {
      // A step whose gradients overflow changes nothing.
      ++report.skippedSteps;
    } else {
      phase = Clock::now();
      if (Status s = callKernel(*update.kernel, batches[b].size(), state.step,
                                totalSteps, nullptr, nullptr);
          !s)
        return s;
      report.updateSeconds += secondsSince(phase);
      ++report.updateKernels[update.kernel->name];
      params.markUpdated();
    }
    ++state.step;
    double elapsed = secondsSince(start);
    observer.stepDone(b + 1, batches.size(),
                      elapsed > 0 ? sampleSteps / elapsed : 0);
  }

  report.trainSeconds = secondsSince(start);
  for (Rung &rung : rungs) {
    rung.time.gatherSeconds += std::exchange(rung.aheadSeconds, 0);
    for (SubsetReport &subset : report.subsets)
      if (subset.precision == rung.name)
        subset.time = rung.time;
    rung.time = RungTime();
  }
  auto validation = evaluate(data.validation, nullptr);
  if (!validation)
    return validation.status();
  auto test = evaluate(data.test, nullptr);
  if (!test)
    return test.status();
  // Samples of a skipped (non-finite) micro-batch keep a non-finite loss for
  // the bucketing (which ranks it highest); the mean is over the others.
  double trainLoss = 0;
  size_t finite = 0;
  for (float loss : state.losses)
    if (std::isfinite(loss)) {
      trainLoss += loss;
      ++finite;
    }
  report.trainLoss = trainLoss / double(std::max<size_t>(finite, 1));
  report.validationError = validation->second;
  report.testAccuracy = 1 - test->second;
  report.seconds = secondsSince(start);
  report.samplesPerSecond =
      report.trainSeconds > 0 ? n / report.trainSeconds : 0;
  report.lowPrecisionFraction =
      sampleSteps ? double(lowSampleSteps) / double(sampleSteps) : 0;
  for (size_t r = 0; r < ladder.size(); ++r)
    report.sampleStoreBytes[std::string(name(ladder[r]))] = store.bytes(r);
  report.paramBytes = params.bytesPerPrecision();
  state.schedule = schedule.observe(state.schedule, report.validationError);
  state.epoch = plan.epoch;
  return report;
}

Status Trainer::Impl::saveState() {
  if (Status s = fetchMasters(/*withState=*/true); !s)
    return s;
  state.masters.clear();
  state.optimizerState.clear();
  for (const auto &[name, values] : params.allMasters())
    state.masters[name].assign(values.begin(), values.end());
  for (const auto &[name, values] : params.allStates())
    state.optimizerState[name].assign(values.begin(), values.end());
  for (Rung &rung : rungs) {
    if (rung.scaler) {
      state.lossScale = rung.scaler->scale();
      state.lossScaleCleanSteps = rung.scaler->cleanSteps();
    }
    if (rung.history)
      state.amaxHistories[rung.name] = rung.history->entries();
  }
  return Status::success();
}

Status Trainer::Impl::restore(TrainerObserver &observer,
                              std::vector<EpochReport> &epochs) {
  std::string warning;
  auto checkpoint = Checkpoint::read(options.checkpointFolder, &warning);
  if (!checkpoint)
    return Status::error("cannot resume: " + checkpoint.status().message());
  if (!warning.empty())
    observer.warning(warning);
  auto loaded = load(*checkpoint);
  if (!loaded)
    return Status::error("cannot resume from " + options.checkpointFolder +
                         ": " + loaded.status().message());
  // The checkpoint's tensors must be the model's, name for name and size
  // for size (another model's checkpoint, or a damaged one, is refused
  // before anything is overwritten); copied in place, since the kernels'
  // arguments point into these buffers.
  auto fits = [](const std::map<std::string, std::vector<float>> &saved,
                 const std::map<std::string, KernelBuffer<float>> &model,
                 const char *what) -> Status {
    for (const auto &[name, buffer] : model) {
      auto it = saved.find(name);
      if (it == saved.end())
        return Status::error(std::string("cannot resume: the checkpoint "
                                         "has no ") +
                             what + " " + name + " of the model");
      if (it->second.size() != buffer.size())
        return Status::error("cannot resume: the checkpoint's " + name +
                             " does not fit the model");
    }
    for (const auto &entry : saved)
      if (!model.count(entry.first))
        return Status::error("cannot resume: the checkpoint's " + entry.first +
                             " is no " + what + " of the model");
    return Status::success();
  };
  if (Status s = fits(loaded->masters, params.allMasters(), "parameter"); !s)
    return s;
  if (Status s =
          fits(loaded->optimizerState, params.allStates(), "optimizer state");
      !s)
    return s;
  for (const auto &[name, values] : loaded->masters) {
    params.master(name).assign(values.begin(), values.end());
    backend.hostWrote(params.master(name).data());
  }
  for (const auto &[name, values] : loaded->optimizerState) {
    params.state(name).assign(values.begin(), values.end());
    backend.hostWrote(params.state(name).data());
  }
  for (Rung &rung : rungs) {
    if (rung.scaler)
      rung.scaler->restore(loaded->lossScale, loaded->lossScaleCleanSteps);
    if (rung.history && loaded->amaxHistories.count(rung.name))
      rung.history->restore(loaded->amaxHistories[rung.name]);
  }
  params.markUpdated();
  auto previous = parseEpochs(loaded->metricsJson);
  if (!previous)
    return previous.status();
  epochs = previous.take();
  state = loaded.take();
  return Status::success();
}

unsigned dps::rt::defaultThreads() {
  if (const char *env = getenv("OMP_NUM_THREADS"))
    if (int threads = atoi(env); threads > 0)
      return unsigned(threads);
  return std::max(1u, std::thread::hardware_concurrency());
}

Trainer::Trainer() = default;
Trainer::~Trainer() = default;

Result<std::unique_ptr<Trainer>>
Trainer::create(const Manifest &manifest, KernelBackend &backend,
                const DatasetSplits &data, TrainerOptions options) {
  if (Status s = options.schedule.validate(); !s)
    return s;
  if (options.lanes != 1 && options.lanes != 2)
    return Status::error("lanes must be 1 or 2, not " +
                         std::to_string(options.lanes));
  keepFreedMemory();
  if (data.train.sampleShape != data.test.sampleShape)
    return Status::error("training and test samples differ in shape");
  // A label past the model's outputs would only show up as a NaN loss.
  for (const Dataset *split : {&data.train, &data.validation, &data.test})
    if (manifest.outputs > 0 && split->classes > manifest.outputs)
      return Status::error("the dataset has labels up to " +
                           std::to_string(split->classes - 1) + ", the model " +
                           manifest.model + " has " +
                           std::to_string(manifest.outputs) + " outputs");
  auto params = ParameterBuffers::create(manifest, options.seed, &backend);
  if (!params)
    return params.status();
  std::unique_ptr<Trainer> trainer(new Trainer());
  trainer->impl = std::make_unique<Impl>(manifest, backend, data,
                                         std::move(options), params.take());
  Impl &t = *trainer->impl;
  t.eval = manifest.find("eval");
  if (!manifest.find("update") || !t.eval)
    return Status::error("the manifest lacks the update or eval kernel");
  t.batch = size_t(manifest.batch);
  t.sampleSize = data.train.sampleSize();
  size_t expected = 1;
  for (const ArgSpec &arg : t.eval->args)
    if (arg.role == Role::Input) {
      expected = arg.elements() / t.batch;
      std::vector<int64_t> shape(arg.shape.begin() + 1, arg.shape.end());
      if (expected != t.sampleSize)
        return Status::error(
            "the model takes samples of " + std::to_string(expected) +
            " values, the dataset has " + std::to_string(t.sampleSize));
    }
  for (Precision precision : t.options.schedule.ladder) {
    Rung rung;
    rung.precision = precision;
    rung.name = std::string(name(precision));
    rung.grad = manifest.find("grad", rung.name);
    if (!rung.grad)
      return Status::error("the compiled model has no gradient kernel for "
                           "rung " +
                           rung.name + "; compile it with this ladder");
    rung.refresh = manifest.find("refresh", rung.name);
    // A second lane's kernel sees a whole batch from its first row on (it
    // reads only its rows): the buffers reach that far.
    size_t rows = t.batch + (t.batch + 1) / 2;
    rung.input.assign(rows * t.sampleSize * bytesPerElement(precision), 0);
    rung.aheadInput = rung.input;
    rung.labels.assign(rows, 0);
    for (Rung::Lane &lane : rung.lanes)
      lane.losses.assign(t.batch, 0);
    for (const ArgSpec &arg : rung.grad->args)
      if (arg.role == Role::GradAcc)
        rung.gradients.push_back(&t.params.gradients(arg.name));
    // Allocated now: rungs running at once must not grow the map of copies.
    for (const KernelSpec *kernel : {rung.grad, rung.refresh})
      if (kernel)
        for (const ArgSpec &arg : kernel->args)
          if (arg.role == Role::ParamCopy)
            t.params.copy(rung.name, arg);
    for (const ArgSpec &arg : rung.grad->args) {
      if (arg.role == Role::Amax) {
        rung.amaxScaling.assign(arg.elements(), 0);
        for (Rung::Lane &lane : rung.lanes)
          lane.amaxObserved.assign(arg.elements(), 0);
        rung.history = std::make_unique<AmaxHistory>(arg.elements());
      }
      if (arg.role == Role::LossScale)
        rung.scaler = std::make_unique<LossScaler>();
    }
    t.rungs.push_back(std::move(rung));
  }
  for (const KernelSpec &kernel : manifest.kernels)
    if (kernel.kind == "update" && kernel.lanes() > 1) {
      // Two lanes of a rung (the runtime splits a step in two at most),
      // used with --lanes 2.
      for (Rung &rung : t.rungs)
        if (t.options.lanes == 2 && kernel.lanes() == 2 &&
            kernel.rungs[0] == rung.name)
          rung.laneUpdate = &kernel;
    } else if (kernel.kind == "update") {
      uint32_t reads = 0;
      for (size_t r = 0; r < t.rungs.size(); ++r)
        if (std::count(kernel.rungs.begin(), kernel.rungs.end(),
                       t.rungs[r].name))
          reads |= 1u << r;
      t.updates.push_back({&kernel, reads});
    }
  // Every buffer allocated (the rungs' copies above): bind the kernels'.
  auto bind = [&](const KernelSpec *kernel) {
    if (!kernel)
      return;
    std::vector<void *> &buffers = t.parameterArgs[kernel];
    buffers.clear();
    for (const ArgSpec &arg : kernel->args)
      buffers.push_back(t.params.buffer(*kernel, arg));
  };
  bind(t.eval);
  for (const Rung &rung : t.rungs) {
    bind(rung.grad);
    bind(rung.refresh);
  }
  for (const Impl::Update &update : t.updates)
    bind(update.kernel);
  // A rung's second lane calls its gradient kernel with its own set, which
  // the lanes' update reads: grad.<rung>.lane1.<param> for the kernel's
  // grad.<rung>.<param>.
  for (Rung &rung : t.rungs) {
    if (!rung.laneUpdate)
      continue;
    bind(rung.laneUpdate);
    rung.secondArgs = t.parameterArgs[rung.grad];
    std::string prefix = "grad." + rung.name + ".";
    for (size_t i = 0; i < rung.grad->args.size(); ++i) {
      const ArgSpec &arg = rung.grad->args[i];
      if (arg.role != Role::GradAcc)
        continue;
      KernelBuffer<uint8_t> *set =
          arg.name.compare(0, prefix.size(), prefix) == 0
              ? t.params.findGradients(prefix + "lane1." +
                                       arg.name.substr(prefix.size()))
              : nullptr;
      if (!set || set->size() != arg.bytes())
        return Status::error("the lanes' update " + rung.laneUpdate->name +
                             " reads no second set like " + arg.name);
      rung.secondArgs[i] = set->data();
    }
  }
  // The whole ladder's update reads every rung's set, so some kernel fits
  // every step.
  std::stable_sort(t.updates.begin(), t.updates.end(),
                   [](const Impl::Update &a, const Impl::Update &b) {
                     return a.kernel->rungs.size() < b.kernel->rungs.size();
                   });
  t.openmp = std::make_unique<OpenMP>(backend);
  // Evaluation shares batches out between a team's threads, unless the
  // eval kernel draws random seeds (their order would then depend on the
  // threads).
  bool seeded =
      std::any_of(t.eval->args.begin(), t.eval->args.end(),
                  [](const ArgSpec &arg) { return arg.role == Role::Seed; });
  t.evalLanes.resize(
      t.openmp->hasTeams() && !seeded ? std::max(1u, t.options.threads) : 1);
  for (Impl::EvalLane &lane : t.evalLanes) {
    lane.input.assign(t.batch * t.sampleSize, 0);
    lane.losses.assign(t.batch, 0);
    lane.labels.assign(t.batch, 0);
    lane.predictions.assign(t.batch, 0);
  }
  if (t.options.threads > 1 &&
      (t.rungs.size() > 1 || t.rungs.front().laneUpdate)) {
    t.rungThreads = std::min<unsigned>(
        t.options.threads, unsigned(std::max<size_t>(t.rungs.size(), 2)));
    if (!t.openmp->hasTeams())
      t.pool = std::make_unique<TaskPool>(t.rungThreads);
  }
  t.state.shuffleRng.seed(t.options.seed);
  t.state.roundingRng.seed(t.options.seed ^ 0x5DEECE66DULL);
  return trainer;
}

Result<Trainer::Evaluation> Trainer::evaluate() {
  auto test = impl->evaluate(impl->data.test, nullptr);
  if (!test)
    return test.status();
  Evaluation evaluation;
  evaluation.testLoss = test->first;
  evaluation.testAccuracy = 1.0 - test->second;
  auto sha = impl->fingerprint();
  if (!sha)
    return sha.status();
  evaluation.paramsSha256 = *sha;
  return evaluation;
}

Result<RunReport> Trainer::run(TrainerObserver &observer) {
  Impl &t = *impl;
  Clock::time_point start = Clock::now();
  RunReport report;
  report.sourceBytes = t.store.sourceBytes();
  if (t.options.resume) {
    if (Status s = t.restore(observer, report.epochs); !s)
      return s;
    report.resumedFromEpoch = t.state.epoch;
  }
  int last = t.options.stopAfter > 0
                 ? std::min(t.options.stopAfter, t.options.schedule.epochs)
                 : t.options.schedule.epochs;
  while (t.state.epoch < last) {
    auto epoch = t.epoch(observer);
    if (!epoch)
      return epoch.status();
    report.epochs.push_back(*epoch);
    observer.epochFinished(*epoch);
    if (!t.options.checkpointFolder.empty()) {
      if (Status s = t.saveState(); !s)
        return s;
      t.state.metricsJson =
          metricsJson(report, t.manifest.model, "", t.options.schedule.ladder);
      Checkpoint checkpoint;
      store(checkpoint, t.state);
      if (Status s = checkpoint.write(t.options.checkpointFolder); !s)
        return s;
    }
  }
  report.finalTestAccuracy =
      report.epochs.empty() ? 0 : report.epochs.back().testAccuracy;
  report.seconds = secondsSince(start);
  auto sha = t.fingerprint();
  if (!sha)
    return sha.status();
  report.paramsSha256 = *sha;
  report.deviceTransfers = t.backend.transfers();
  return report;
}
