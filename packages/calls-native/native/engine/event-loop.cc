#include "engine/event-loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cerrno>
#include <cstdint>
#include <ctime>
#include <stdexcept>

namespace tgvoip {

EngineLoop& EngineLoop::instance() {
  static EngineLoop* loop = [] {
    auto* created = new EngineLoop();
    // Registered after OpenSSL's own atexit handler, so it runs first: on process exit
    // the engine stops before the crypto library it encrypts with is torn down.
    std::atexit([] { EngineLoop::instance().halt(); });
    return created;
  }();
  return *loop;
}

void EngineLoop::halt() {
  halting_.store(true);
  uint64_t one = 1;
  ssize_t ignored = write(wakeFd_, &one, sizeof(one));
  (void)ignored;
  if (onEngineThread()) return;
  std::unique_lock<std::mutex> lock(haltMutex_);
  haltedCv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return halted_; });
}

EngineLoop::EngineLoop() {
  epollFd_ = epoll_create1(EPOLL_CLOEXEC);
  wakeFd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  timerFd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (epollFd_ < 0 || wakeFd_ < 0 || timerFd_ < 0) throw std::runtime_error("engine loop: cannot create fds");
  gridOrigin_ = now();  // the timer stays disarmed until a ticker is added
  for (int fd : {wakeFd_, timerFd_}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &ev);
  }
  std::thread thread([this] {
    pthread_setname_np(pthread_self(), "tgvoip-engine");  // lets benchmarks find its CPU time
    run();
  });
  threadId_ = thread.get_id();
  thread.detach();
}

double EngineLoop::now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void EngineLoop::post(Task task) {
  {
    std::lock_guard<std::mutex> lock(tasksMutex_);
    tasks_.push_back(std::move(task));
  }
  uint64_t one = 1;
  ssize_t ignored = write(wakeFd_, &one, sizeof(one));
  (void)ignored;
}

void EngineLoop::watch(int fd, IoHandler* handler) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  if (epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &ev) == 0) handlers_[fd] = handler;
}

void EngineLoop::unwatch(int fd) {
  epoll_ctl(epollFd_, EPOLL_CTL_DEL, fd, nullptr);
  handlers_.erase(fd);
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
  double ticks = std::ceil((time - gridOrigin_) * 1000.0 / kTickMs - 1e-6);
  double grid = gridOrigin_ + ticks * kTickMs / 1000.0;
  // A deadline that is already due runs on the next grid point, as with a fixed tick.
  return std::max(grid, lastTickGrid_ + kTickMs / 1000.0);
}

void EngineLoop::armAt(double gridTime) {
  armedAt_ = gridTime;
  itimerspec spec{};
  if (gridTime < kNotArmed) {
    spec.it_value.tv_sec = static_cast<time_t>(gridTime);
    spec.it_value.tv_nsec = static_cast<long>((gridTime - static_cast<double>(spec.it_value.tv_sec)) * 1e9);
    if (spec.it_value.tv_nsec >= 1000000000L) spec.it_value.tv_nsec = 999999999L;
    // An all-zero it_value would disarm: a past deadline must still fire.
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  }
  timerfd_settime(timerFd_, TFD_TIMER_ABSTIME, &spec, nullptr);
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
  lastTickGrid_ = std::max(lastTickGrid_, gridOrigin_ + std::floor((t - gridOrigin_) * 1000.0 / kTickMs) * kTickMs / 1000.0);
  ticking_ = true;
  removedWhileTicking_.clear();
  // Iterate over a copy: a ticker may remove itself (call failed) during its tick. The
  // copy's buffer is kept across ticks so that a tick allocates nothing.
  tickingSnapshot_.assign(tickers_.begin(), tickers_.end());
  for (Ticker* ticker : tickingSnapshot_) {
    if (std::find(removedWhileTicking_.begin(), removedWhileTicking_.end(), ticker) != removedWhileTicking_.end()) continue;
    ticker->onTick(t);
  }
  ticking_ = false;
}

void EngineLoop::run() {
  epoll_event events[64];
  while (!halting_.load()) {
    int n = epoll_wait(epollFd_, events, 64, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    bool tick = false;
    bool drained = false;
    for (int i = 0; i < n; i++) {
      int fd = events[i].data.fd;
      if (fd == wakeFd_) {
        uint64_t value;
        ssize_t ignored = read(wakeFd_, &value, sizeof(value));
        (void)ignored;
        if (!halting_.load()) {
          drainTasks();
          drained = true;
        }
      } else if (fd == timerFd_) {
        uint64_t expirations;
        ssize_t ignored = read(timerFd_, &expirations, sizeof(expirations));
        (void)ignored;
        armedAt_ = kNotArmed;  // a one-shot timer: it is disarmed once it has fired
        tick = true;
      } else if (!halting_.load()) {
        auto it = handlers_.find(fd);
        if (it != handlers_.end()) it->second->onReadable(fd);
      }
    }
    if (tick && !halting_.load()) runTickers();
    if ((tick || drained) && !halting_.load()) rearm();
  }
  std::lock_guard<std::mutex> lock(haltMutex_);
  halted_ = true;
  haltedCv_.notify_all();
}

}  // namespace tgvoip
