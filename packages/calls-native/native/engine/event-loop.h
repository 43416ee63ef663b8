// One engine thread: it runs the sockets and timers of the calls given to it (for their
// whole life) on its own libuv loop (Node's libuv, so epoll on Linux and kqueue on macOS
// and the BSDs, with nothing system-specific here) with one timer on a 5 ms grid, so
// hundreds of calls cost hundreds of sockets rather than thousands of threads. Other
// threads talk to it only through post(). EngineThreads decides how many there are.
// The timer is armed for the first grid point at or after the earliest deadline any
// ticker reports, not for every grid point: an idle process does not wake at all, and
// a few calls wake about as often as they have frames to send and play.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "engine/send-slots.h"

namespace tgvoip {

class IoHandler {
 public:
  virtual ~IoHandler() = default;
  virtual void onReadable(int fd) = 0;
};

class Ticker {
 public:
  virtual ~Ticker() = default;
  // Every tick runs in two passes over all tickers: first onPlayout, for the work a
  // listener waits on (decoded audio, ~0.15 ms per call), then onTick for the rest (the
  // ~0.6 ms encodes among it). One pass would make the last call's audio wait for every
  // other call's encode, a delay that grows with the calls a thread carries.
  virtual void onPlayout(double /*now*/) {}
  virtual void onTick(double now) = 0;
  // When onTick next has work to do (monotonic seconds); `now` (or earlier) means "on
  // the next grid point". Asked after every tick and every batch of posted tasks.
  virtual double nextDeadline(double now) const { return now; }
};

class EngineLoop {
 public:
  using Task = std::function<void()>;

  // Starts a loop on a thread of its own. The thread holds the loop until it ends, and
  // calls `onExit` last (on that thread).
  static std::shared_ptr<EngineLoop> start(std::function<void(EngineLoop*)> onExit);
  ~EngineLoop();
  EngineLoop(const EngineLoop&) = delete;
  EngineLoop& operator=(const EngineLoop&) = delete;

  // Any thread: run `task` on the engine thread soon.
  void post(Task task);

  // Engine thread only.
  void watch(int fd, IoHandler* handler);
  void unwatch(int fd);
  void addTicker(Ticker* ticker);
  void removeTicker(Ticker* ticker);
  // Tickers run no later than the first grid point at or after `deadline` (e.g. a packet
  // made a ticker's work due sooner than it said at the last tick).
  void wakeBy(double deadline);
  // Inside a tick: how long after the grid point the tick was due at the thread is
  // working now (0 outside ticks). It grows while the thread has more work than its CPU
  // gets, and within a tick that has much work at once (many calls' audio came due
  // together), so tickers can do cheaper work until the thread has caught up.
  double behindSchedule() const;
  // Engine thread only: the grid points this thread's calls encode at (see send-slots.h).
  SendSlots& sendSlots() { return sendSlots_; }

  // Any thread, once no call uses the loop any more: the thread runs what was posted
  // before, closes its libuv handles and the loop, and ends.
  void stopWhenDrained();
  // Process exit, in two steps so that many threads stop in parallel: the thread stops
  // running call code at once (requestHalt), and waitHalted() returns once it has, or at
  // `deadline`.
  void requestHalt();
  void waitHalted(std::chrono::steady_clock::time_point deadline);

  // Monotonic clock in seconds.
  static double now();

  static constexpr int kTickMs = 5;
  // A safety net: tickers run at least this often while any exist.
  static constexpr double kMaxSleepSeconds = 0.05;

 private:
  EngineLoop();
  void run();
  // After the loop stopped for good: no wake-up reaches it from now on.
  void markClosed();
  void closeHandles();
  // Callers hold tasksMutex_.
  void wakeLocked();
  void drainTasks();
  void runTickers();
  // Re-arms the timer for the earliest deadline of all tickers (disarms with none).
  void rearm();
  void armAt(double gridTime);
  double gridPointAtOrAfter(double time) const;
  // libuv callbacks (engine thread).
  void onWake();
  void onTimer();

  struct Backend;  // the libuv handles, kept out of this header
  struct Watch;
  std::unique_ptr<Backend> backend_;
  SendSlots sendSlots_;  // also the thread's 5 ms grid
  static constexpr double kNotArmed = 1e18;
  double armedAt_ = kNotArmed;  // grid time the timer is armed for
  double lastTickGrid_ = -1e18;  // grid point of the last tick, never re-armed for again
  double tickDueAt_ = 0;  // grid point the running tick was due at; 0 outside ticks
  std::mutex tasksMutex_;
  std::vector<Task> tasks_;
  bool closed_ = false;  // guarded by tasksMutex_: the async handle is gone
  std::unordered_map<int, Watch*> watches_;
  std::vector<Ticker*> tickers_;
  // Set while iterating tickers so removals during a tick are deferred safely.
  bool ticking_ = false;
  std::atomic<bool> halting_{false};
  std::mutex haltMutex_;
  std::condition_variable haltedCv_;
  bool halted_ = false;
  std::vector<Ticker*> removedWhileTicking_;
  std::vector<Ticker*> tickingSnapshot_;  // runTickers() only
};

}  // namespace tgvoip
