#include "engine/engine-threads.h"

#include <uv.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace tgvoip {

EngineLease& EngineLease::operator=(EngineLease&& other) noexcept {
  if (this != &other) {
    release();
    loop_ = std::move(other.loop_);
    index_ = other.index_;
  }
  return *this;
}

void EngineLease::release() {
  if (!loop_) return;
  EngineThreads::instance().release(*this);
  loop_.reset();
}

EngineThreads& EngineThreads::instance() {
  static EngineThreads* threads = [] {
    auto* created = new EngineThreads();
    // Registered on first use, after OpenSSL's own atexit handler, so it runs first: on
    // process exit the engine stops before the crypto library it encrypts with is torn down.
    std::atexit([] { EngineThreads::instance().haltAll(); });
    return created;
  }();
  return *threads;
}

EngineThreads::EngineThreads()
    : count_(static_cast<int>(std::clamp<unsigned>(uv_available_parallelism(), 1, kMaxDefaultThreads))),
      slots_(kMaxThreads) {}

void EngineThreads::setCount(int count) {
  if (count < 1 || count > kMaxThreads) throw std::out_of_range("engine threads out of range");
  std::lock_guard<std::mutex> lock(mutex_);
  count_ = count;
}

int EngineThreads::count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return count_;
}

EngineLease EngineThreads::acquire() {
  std::lock_guard<std::mutex> lock(mutex_);
  // Least loaded first; among equals the lowest index, so few calls use few threads.
  int best = 0;
  for (int i = 1; i < count_; i++) {
    if (slots_[i].calls < slots_[best].calls) best = i;
  }
  Slot& slot = slots_[best];
  if (!slot.loop) {
    slot.loop = EngineLoop::start([this](EngineLoop* loop) { onThreadExit(loop); });
    running_.push_back(slot.loop);
  }
  slot.calls++;
  return EngineLease(slot.loop, best);
}

void EngineThreads::release(const EngineLease& lease) {
  std::lock_guard<std::mutex> lock(mutex_);
  Slot& slot = slots_[lease.index_];
  if (slot.loop != lease.loop_ || slot.calls == 0) return;
  if (--slot.calls > 0) return;
  // The call's own teardown was posted before this: the thread runs it, then ends. A new
  // call for this slot gets a new thread.
  slot.loop->stopWhenDrained();
  slot.loop.reset();
}

void EngineThreads::onThreadExit(EngineLoop* loop) {
  std::lock_guard<std::mutex> lock(mutex_);
  // The exiting thread still holds the loop, so this is never its last holder.
  running_.erase(std::remove_if(running_.begin(), running_.end(), [loop](const auto& held) { return held.get() == loop; }),
                 running_.end());
}

std::vector<int> EngineThreads::loads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  int last = count_;
  for (int i = count_; i < kMaxThreads; i++) {
    if (slots_[i].calls > 0) last = i + 1;
  }
  std::vector<int> calls;
  for (int i = 0; i < last; i++) calls.push_back(slots_[i].calls);
  return calls;
}

int EngineThreads::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int>(running_.size());
}

void EngineThreads::haltAll() {
  std::vector<std::shared_ptr<EngineLoop>> loops;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    loops = running_;
  }
  for (auto& loop : loops) loop->requestHalt();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  for (auto& loop : loops) loop->waitHalted(deadline);
}

}  // namespace tgvoip
