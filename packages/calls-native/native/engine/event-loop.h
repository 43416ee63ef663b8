// The one engine thread of the process. It runs every call's UDP sockets (epoll) and
// timers (a 5 ms timerfd tick), so hundreds of calls cost hundreds of sockets rather
// than thousands of threads. Other threads talk to it only through post().
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace tgvoip {

class IoHandler {
 public:
  virtual ~IoHandler() = default;
  virtual void onReadable(int fd) = 0;
};

class Ticker {
 public:
  virtual ~Ticker() = default;
  virtual void onTick(double now) = 0;
};

class EngineLoop {
 public:
  using Task = std::function<void()>;

  // Started on first use; intentionally never destroyed (the thread serves the whole
  // process and must outlive every static destructor that might still post to it).
  static EngineLoop& instance();

  // Any thread: run `task` on the engine thread soon.
  void post(Task task);
  bool onEngineThread() const { return std::this_thread::get_id() == threadId_; }

  // Engine thread only.
  void watch(int fd, IoHandler* handler);
  void unwatch(int fd);
  void addTicker(Ticker* ticker);
  void removeTicker(Ticker* ticker);

  // Stops the thread for good (process exit): returns once it no longer runs any call
  // code, or after a short timeout.
  void halt();

  // Monotonic clock in seconds.
  static double now();

  static constexpr int kTickMs = 5;

 private:
  EngineLoop();
  void run();
  void drainTasks();
  void runTickers();

  int epollFd_ = -1;
  int wakeFd_ = -1;
  int timerFd_ = -1;
  std::thread::id threadId_;
  std::mutex tasksMutex_;
  std::vector<Task> tasks_;
  std::unordered_map<int, IoHandler*> handlers_;
  std::vector<Ticker*> tickers_;
  // Set while iterating tickers so removals during a tick are deferred safely.
  bool ticking_ = false;
  std::atomic<bool> halting_{false};
  std::mutex haltMutex_;
  std::condition_variable haltedCv_;
  bool halted_ = false;
  std::vector<Ticker*> removedWhileTicking_;
};

}  // namespace tgvoip
