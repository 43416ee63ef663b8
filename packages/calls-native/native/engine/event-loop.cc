#include "engine/event-loop.h"

#include <uv.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <thread>

#include "engine/js-notifier.h"
#include "engine/platform.h"

namespace tgvoip {

struct EngineLoop::Backend {
  uv_loop_t loop{};
  uv_async_t wake{};
  uv_timer_t timer{};
};

// One watched descriptor. libuv frees nothing of ours: the handle is deleted in its close
// callback, after the loop is done with it.
struct EngineLoop::Watch {
  uv_poll_t poll{};
  int fd = -1;
  IoHandler* handler = nullptr;
  EngineLoop* loop = nullptr;
};

namespace {
// A timer that fires this early anyway (two clocks read a moment apart) is re-armed, not run.
constexpr double kEarlyFireSlack = 0.0002;
}  // namespace

std::shared_ptr<EngineLoop> EngineLoop::start(std::function<void(EngineLoop*)> onExit) {
  std::shared_ptr<EngineLoop> loop(new EngineLoop());
  std::thread thread([loop, onExit = std::move(onExit)] {
    nameCurrentThread("tgvoip-engine");  // lets benchmarks find the engine's CPU time
    loop->run();
    onExit(loop.get());
  });
  thread.detach();  // it ends by itself: stopWhenDrained(), or requestHalt() at exit
  return loop;
}

EngineLoop::EngineLoop()
    : backend_(std::make_unique<Backend>()), sendSlots_(now(), kTickMs / 1000.0) {
  // The handles are set up here, before the thread exists, and used only by it afterwards
  // (uv_async_send() is the one call other threads make, under tasksMutex_).
  if (uv_loop_init(&backend_->loop) != 0) throw std::runtime_error("engine loop: cannot create the libuv loop");
  backend_->loop.data = this;
  uv_async_init(&backend_->loop, &backend_->wake, [](uv_async_t* handle) {
    static_cast<EngineLoop*>(handle->loop->data)->onWake();
  });
  uv_timer_init(&backend_->loop, &backend_->timer);  // disarmed until a ticker is added
}

// Runs on the engine thread as it ends, or wherever the last holder lets go after a halt
// at exit (then the loop is left open: the process is going away).
EngineLoop::~EngineLoop() = default;

void EngineLoop::stopWhenDrained() {
  post([this] { uv_stop(&backend_->loop); });
}

void EngineLoop::requestHalt() {
  halting_.store(true);
  std::lock_guard<std::mutex> lock(tasksMutex_);
  wakeLocked();
}

void EngineLoop::waitHalted(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(haltMutex_);
  haltedCv_.wait_until(lock, deadline, [this] { return halted_; });
}

double EngineLoop::now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void EngineLoop::post(Task task) {
  {
    std::lock_guard<std::mutex> lock(tasksMutex_);
    tasks_.push_back(std::move(task));
    wakeLocked();
  }
}

void EngineLoop::wakeLocked() {
  if (!closed_) uv_async_send(&backend_->wake);
}

void EngineLoop::watch(int fd, IoHandler* handler) {
  auto* watch = new Watch();
  watch->fd = fd;
  watch->handler = handler;
  watch->loop = this;
  watch->poll.data = watch;
  if (uv_poll_init(&backend_->loop, &watch->poll, fd) != 0) {
    delete watch;
    return;
  }
  // Errors and hang-ups are delivered too (status < 0): the handler's read sees them.
  uv_poll_start(&watch->poll, UV_READABLE, [](uv_poll_t* poll, int, int) {
    auto* w = static_cast<Watch*>(poll->data);
    if (!w->loop->halting_.load()) w->handler->onReadable(w->fd);
  });
  watches_[fd] = watch;
}

void EngineLoop::unwatch(int fd) {
  auto it = watches_.find(fd);
  if (it == watches_.end()) return;
  // uv_close() stops polling at once (the caller closes the descriptor next) and frees
  // the handle on a later iteration.
  uv_close(reinterpret_cast<uv_handle_t*>(&it->second->poll),
           [](uv_handle_t* handle) { delete static_cast<Watch*>(handle->data); });
  watches_.erase(it);
}

void EngineLoop::addTicker(Ticker* ticker) {
  tickers_.push_back(ticker);
  wakeBy(ticker->nextDeadline(now()));
}

void EngineLoop::removeTicker(Ticker* ticker) {
  if (ticking_) removedWhileTicking_.push_back(ticker);
  tickers_.erase(std::remove(tickers_.begin(), tickers_.end(), ticker), tickers_.end());
}

double EngineLoop::gridPointAtOrAfter(double time) const {
  double grid = sendSlots_.gridPointAtOrAfter(time);
  // A deadline that is already due runs on the next grid point, as with a fixed tick.
  return std::max(grid, lastTickGrid_ + kTickMs / 1000.0);
}

void EngineLoop::armAt(double gridTime) {
  armedAt_ = gridTime;
  if (gridTime >= kNotArmed) {
    uv_timer_stop(&backend_->timer);
    return;
  }
  // libuv times timers from the loop's cached clock, whole milliseconds that trail the
  // real time by up to one: count that lag in, or the timer fires before the grid point.
  uv_update_time(&backend_->loop);
  double lagMs = static_cast<double>(uv_hrtime()) / 1e6 - static_cast<double>(uv_now(&backend_->loop));
  double delayMs = std::ceil((gridTime - now()) * 1000.0 + lagMs);
  uint64_t timeout = delayMs > 0 ? static_cast<uint64_t>(delayMs) : 0;
  uv_timer_start(&backend_->timer, [](uv_timer_t* timer) {
    static_cast<EngineLoop*>(timer->loop->data)->onTimer();
  }, timeout, 0);
}

void EngineLoop::wakeBy(double deadline) {
  if (tickers_.empty()) return;
  double grid = gridPointAtOrAfter(deadline);
  if (grid < armedAt_) armAt(grid);
}

void EngineLoop::rearm() {
  if (tickers_.empty()) {
    if (armedAt_ < kNotArmed) armAt(kNotArmed);
    return;
  }
  double t = now();
  double earliest = t + kMaxSleepSeconds;
  for (Ticker* ticker : tickers_) earliest = std::min(earliest, ticker->nextDeadline(t));
  double grid = gridPointAtOrAfter(earliest);
  if (grid != armedAt_) armAt(grid);
}

void EngineLoop::drainTasks() {
  std::vector<Task> batch;
  {
    std::lock_guard<std::mutex> lock(tasksMutex_);
    batch.swap(tasks_);
  }
  for (auto& task : batch) task();
}

void EngineLoop::runTickers() {
  double t = now();
  lastTickGrid_ = std::max(lastTickGrid_, sendSlots_.gridPointAtOrBefore(t));
  ticking_ = true;
  removedWhileTicking_.clear();
  // Iterate over a copy: a ticker may remove itself (call failed) during its tick. The
  // copy's buffer is kept across ticks so that a tick allocates nothing.
  tickingSnapshot_.assign(tickers_.begin(), tickers_.end());
  auto removed = [this](Ticker* ticker) {
    return std::find(removedWhileTicking_.begin(), removedWhileTicking_.end(), ticker) != removedWhileTicking_.end();
  };
  {
    // The events of a pass reach JS in one hop rather than one per call.
    JsNotifier::Batch batch;
    for (Ticker* ticker : tickingSnapshot_) {
      if (!removed(ticker)) ticker->onPlayout(t);
    }
  }
  {
    JsNotifier::Batch batch;
    for (Ticker* ticker : tickingSnapshot_) {
      if (!removed(ticker)) ticker->onTick(t);
    }
  }
  ticking_ = false;
}

void EngineLoop::onWake() {
  if (halting_.load()) {
    uv_stop(&backend_->loop);
    return;
  }
  drainTasks();
  rearm();
}

void EngineLoop::onTimer() {
  double target = armedAt_;
  armedAt_ = kNotArmed;  // a one-shot timer: it is disarmed once it has fired
  if (halting_.load()) return;
  if (target < kNotArmed && now() + kEarlyFireSlack < target) {
    armAt(target);
    return;
  }
  tickDueAt_ = target < kNotArmed ? target : now();
  runTickers();
  tickDueAt_ = 0;
  rearm();
}

double EngineLoop::behindSchedule() const {
  return tickDueAt_ == 0 ? 0 : std::max(0.0, now() - tickDueAt_);
}

void EngineLoop::run() {
  uv_run(&backend_->loop, UV_RUN_DEFAULT);
  markClosed();
  if (!halting_.load()) closeHandles();
  std::lock_guard<std::mutex> lock(haltMutex_);
  halted_ = true;
  haltedCv_.notify_all();
}

void EngineLoop::markClosed() {
  std::lock_guard<std::mutex> lock(tasksMutex_);
  closed_ = true;
}

void EngineLoop::closeHandles() {
  // Every call has left (each unwatched its sockets), so only the loop's own handles
  // remain; a watch still here would be a bug, and is closed all the same.
  for (auto& entry : watches_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&entry.second->poll),
             [](uv_handle_t* handle) { delete static_cast<Watch*>(handle->data); });
  }
  watches_.clear();
  uv_close(reinterpret_cast<uv_handle_t*>(&backend_->wake), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&backend_->timer), nullptr);
  uv_run(&backend_->loop, UV_RUN_DEFAULT);  // runs the close callbacks, then finds nothing left
  uv_loop_close(&backend_->loop);
}

}  // namespace tgvoip
