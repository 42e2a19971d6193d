#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "lm/parallel.hpp"

using namespace lm;

TEST_CASE("a task pool runs every task of every job exactly once, and finish waits for all", "[parallel]") {
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    TaskPool pool(threads);
    pool.finish();  // no job yet: returns at once
    for (std::size_t job = 0; job < 50; ++job) {
      const std::size_t count = job % 7;  // 0 to 6 tasks, some jobs empty
      std::vector<std::atomic<int>> runs(count);
      std::vector<int> out(count, 0);
      pool.start(count, [&](std::size_t i) {
        // Uneven tasks: some threads take several while one sleeps.
        if (i == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
        ++runs[i];
        out[i] = static_cast<int>(i * i);
      });
      pool.finish();
      std::size_t wrong = 0;
      for (std::size_t i = 0; i < count; ++i) wrong += runs[i].load() != 1 || out[i] != static_cast<int>(i * i);
      CHECK(wrong == 0);
    }
  }
}

TEST_CASE("a task pool with one thread runs the tasks on the caller, in finish", "[parallel]") {
  TaskPool pool(1);
  std::vector<std::thread::id> ran;
  pool.start(3, [&](std::size_t) { ran.push_back(std::this_thread::get_id()); });
  CHECK(ran.empty());
  pool.finish();
  REQUIRE(ran.size() == 3);
  for (const std::thread::id& id : ran) CHECK(id == std::this_thread::get_id());
}
