#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "lm/parallel.hpp"

using namespace lm;

namespace {

// A slot of the tests' pools: the task number it holds, the runs of its task
// and the result.
struct Slot {
  std::size_t task = 0;
  int runs = 0;
  std::size_t result = 0;
  unsigned thread = 0;
};

}  // namespace

TEST_CASE("an ordered pool runs every task once and delivers them in submission order", "[parallel]") {
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    for (std::size_t slots : {1u, 2u, 5u, 16u}) {
      std::vector<Slot> slot(slots);
      std::vector<std::size_t> delivered;
      std::size_t wrong = 0;
      OrderedPool pool(
          threads, slots,
          [&](std::size_t s, unsigned thread) {
            // Uneven tasks: some threads take several while one sleeps.
            if (slot[s].task % 7 == 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
            ++slot[s].runs;
            slot[s].result = slot[s].task * slot[s].task;
            slot[s].thread = thread;
          },
          [&](std::size_t s) {
            wrong += slot[s].runs != 1 || slot[s].result != slot[s].task * slot[s].task || slot[s].thread >= threads;
            delivered.push_back(slot[s].task);
          });
      const std::size_t tasks = 100;
      for (std::size_t n = 0; n < tasks; ++n) {
        const std::size_t s = pool.next_slot();
        slot[s] = Slot{n, 0, 0, 0};
        // Some slots are held back and submitted together.
        if (n % 3 != 1) pool.submit();
      }
      pool.drain();
      CHECK(wrong == 0);
      REQUIRE(delivered.size() == tasks);
      std::size_t out_of_order = 0;
      for (std::size_t n = 0; n < tasks; ++n) out_of_order += delivered[n] != n;
      CHECK(out_of_order == 0);
    }
  }
}

TEST_CASE("an ordered pool with one thread runs the tasks on the caller", "[parallel]") {
  std::vector<std::thread::id> ran;
  std::vector<unsigned> index;
  OrderedPool pool(
      1, 2,
      [&](std::size_t, unsigned thread) {
        ran.push_back(std::this_thread::get_id());
        index.push_back(thread);
      },
      [](std::size_t) {});
  CHECK(pool.threads() == 1);
  (void)pool.next_slot();
  pool.submit();
  (void)pool.next_slot();
  pool.submit();
  CHECK(ran.empty());  // both slots in flight, none needed yet
  (void)pool.next_slot();  // every slot taken: the oldest is run and delivered
  CHECK(ran.size() >= 1);
  pool.drain();
  REQUIRE(ran.size() == 3);
  for (std::size_t i = 0; i < ran.size(); ++i) {
    CHECK(ran[i] == std::this_thread::get_id());
    CHECK(index[i] == 0);
  }
}

TEST_CASE("an ordered pool whose delivery throws lets the error through and stops cleanly", "[parallel]") {
  for (unsigned threads : {1u, 2u, 4u}) {
    std::vector<std::size_t> task(8);
    std::vector<std::size_t> delivered;
    bool thrown = false;
    try {
      OrderedPool pool(
          threads, task.size(),
          [&](std::size_t, unsigned) { std::this_thread::sleep_for(std::chrono::microseconds(50)); },
          [&](std::size_t s) {
            if (task[s] == 10) throw std::runtime_error("task 10");
            delivered.push_back(task[s]);
          });
      for (std::size_t n = 0; n < 40; ++n) {
        task[pool.next_slot()] = n;
        pool.submit();
      }
      pool.drain();
    } catch (const std::runtime_error& e) {
      thrown = std::string(e.what()) == "task 10";
    }
    // The destructor waited for the tasks in flight (a task still running
    // would write freed memory, which ASan reports).
    CHECK(thrown);
    REQUIRE(delivered.size() == 10);
    for (std::size_t n = 0; n < 10; ++n) CHECK(delivered[n] == n);
  }
}
