//===- TaskPool.cpp - a few tasks at once on a fixed set of threads -------===//
#include "dps/runtime/TaskPool.h"

using namespace dps::rt;

TaskPool::TaskPool(unsigned threads) {
  for (unsigned i = 1; i < threads; ++i)
    workers.emplace_back([this] { work(); });
}

TaskPool::~TaskPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  wake.notify_all();
  for (std::thread &worker : workers)
    worker.join();
}

void TaskPool::drain() {
  for (size_t i = next++; i < batch->size(); i = next++)
    (*batch)[i]();
}

void TaskPool::work() {
  uint64_t seen = 0;
  std::unique_lock<std::mutex> lock(mutex);
  while (true) {
    wake.wait(lock, [&] { return stopping || generation != seen; });
    if (stopping)
      return;
    seen = generation;
    lock.unlock();
    drain();
    lock.lock();
    if (--busy == 0)
      idle.notify_one();
  }
}

void TaskPool::run(const std::vector<std::function<void()>> &tasks) {
  if (tasks.empty())
    return;
  if (workers.empty() || tasks.size() == 1) {
    for (const auto &task : tasks)
      task();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    batch = &tasks;
    next = 0;
    busy = workers.size();
    ++generation;
  }
  wake.notify_all();
  drain();
  std::unique_lock<std::mutex> lock(mutex);
  idle.wait(lock, [&] { return busy == 0; });
  batch = nullptr;
}
