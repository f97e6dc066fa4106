//===- TaskPool.h - a few tasks at once on fixed threads --------*- C++ -*-===//
//
// The trainer runs the rungs of a step at the same time, one rung's kernels
// per thread (on this pool when the kernels have no OpenMP team to use). The
// pool keeps its worker threads for the whole run (a step takes about a
// millisecond: starting threads per step would cost a good part of it) and the
// calling thread works too.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_TASKPOOL_H
#define DPS_RUNTIME_TASKPOOL_H

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace dps::rt {

class TaskPool {
public:
  /// `threads` in all, the caller of run() included (at least 1).
  explicit TaskPool(unsigned threads);
  ~TaskPool();
  TaskPool(const TaskPool &) = delete;
  TaskPool &operator=(const TaskPool &) = delete;

  unsigned threads() const { return unsigned(workers.size()) + 1; }

  /// Runs every task once, in order of their index as threads come free
  /// (the first ones start at once), and returns when all have finished.
  void run(const std::vector<std::function<void()>> &tasks);

private:
  void work();
  void drain();

  std::vector<std::thread> workers;
  std::mutex mutex;
  std::condition_variable wake, idle;
  const std::vector<std::function<void()>> *batch = nullptr;
  std::atomic<size_t> next{0};
  size_t busy = 0;
  uint64_t generation = 0;
  bool stopping = false;
};

} // namespace dps::rt

#endif // DPS_RUNTIME_TASKPOOL_H
