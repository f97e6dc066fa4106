//===- TaskPoolTest.cpp - the rungs of a step at the same time ------------===//
#include "dps/runtime/TaskPool.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>

using namespace dps::rt;

TEST(TaskPool, RunsEveryTaskOnceAndWaitsForThem) {
  TaskPool pool(2);
  EXPECT_EQ(pool.threads(), 2u);
  for (int round = 0; round < 100; ++round) {
    std::vector<int> runs(5, 0);
    std::vector<std::function<void()>> tasks;
    for (int &count : runs)
      tasks.push_back([&count] { ++count; });
    pool.run(tasks);
    EXPECT_EQ(runs, std::vector<int>(5, 1)) << "round " << round;
  }
}

TEST(TaskPool, TasksRunOnSeveralThreads) {
  TaskPool pool(2);
  std::mutex mutex;
  std::set<std::thread::id> workers;
  // Two tasks that each wait for the other to start: they finish only if
  // they run at the same time.
  std::atomic<int> started{0};
  auto task = [&] {
    ++started;
    while (started < 2)
      std::this_thread::yield();
    std::lock_guard<std::mutex> lock(mutex);
    workers.insert(std::this_thread::get_id());
  };
  pool.run({task, task});
  EXPECT_EQ(workers.size(), 2u);
}

TEST(TaskPool, OneThreadRunsTasksInOrderOnTheCaller) {
  TaskPool pool(1);
  std::vector<int> order;
  pool.run({[&] { order.push_back(0); }, [&] { order.push_back(1); }});
  EXPECT_EQ(order, (std::vector<int>{0, 1}));
  pool.run({}); // nothing to do
}
