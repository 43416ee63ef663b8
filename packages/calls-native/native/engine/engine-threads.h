// The process's engine threads. Each call is given, when it is created, to the thread
// carrying the fewest calls among the first `count()` (a thread is started when a call
// needs it), and stays there for its whole life: its sockets, timers and rings are only
// ever touched by that thread and the JS thread. A thread whose last call has ended
// stops; the ones still running at process exit are halted.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "engine/event-loop.h"

namespace tgvoip {

class EngineThreads;

// One call's place on an engine thread, held for the call's life (move-only).
class EngineLease {
 public:
  EngineLease() = default;
  EngineLease(EngineLease&& other) noexcept = default;
  EngineLease& operator=(EngineLease&& other) noexcept;
  EngineLease(const EngineLease&) = delete;
  EngineLease& operator=(const EngineLease&) = delete;
  ~EngineLease() { release(); }

  EngineLoop* loop() const { return loop_.get(); }
  // Which thread (0-based) carries the call.
  int index() const { return index_; }
  void release();

 private:
  friend class EngineThreads;
  EngineLease(std::shared_ptr<EngineLoop> loop, int index) : loop_(std::move(loop)), index_(index) {}
  std::shared_ptr<EngineLoop> loop_;
  int index_ = -1;
};

class EngineThreads {
 public:
  static constexpr int kMaxThreads = 64;
  // The default count: the CPUs this process may run on, at most this many.
  static constexpr int kMaxDefaultThreads = 8;

  // Never destroyed: threads may still be stopping while static destructors run.
  static EngineThreads& instance();

  // Calls created from now on are spread over `count` threads (1..kMaxThreads); calls
  // already running stay where they are.
  void setCount(int count);
  int count() const;
  // Any thread (JS threads, in practice).
  EngineLease acquire();
  // Calls per thread, for every thread that may carry calls (at least count() entries).
  std::vector<int> loads() const;
  // Threads running now, including ones finishing after their last call.
  int running() const;

 private:
  friend class EngineLease;
  struct Slot {
    std::shared_ptr<EngineLoop> loop;
    int calls = 0;
  };

  EngineThreads();
  void release(const EngineLease& lease);
  void onThreadExit(EngineLoop* loop);
  // Process exit: stops every thread before the libraries their calls use are torn down.
  void haltAll();

  mutable std::mutex mutex_;
  int count_;
  std::vector<Slot> slots_;
  std::vector<std::shared_ptr<EngineLoop>> running_;
};

}  // namespace tgvoip
