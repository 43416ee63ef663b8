#include "controller/server-config.h"

namespace tgvoip {

ServerConfig& ServerConfig::instance() {
  static ServerConfig* config = new ServerConfig();
  return *config;
}

void ServerConfig::replace(Values values) {
  std::lock_guard<std::mutex> lock(mutex_);
  values_ = std::make_shared<const Values>(std::move(values));
  version_.fetch_add(1, std::memory_order_release);
}

double ServerConfig::get(std::string_view key, double fallback) const {
  // One ServerConfig exists (instance()), so per-thread copies need no owner key.
  thread_local std::shared_ptr<const Values> seen;
  thread_local uint64_t seenVersion = 0;
  if (version_.load(std::memory_order_acquire) != seenVersion) {
    std::lock_guard<std::mutex> lock(mutex_);
    seen = values_;
    seenVersion = version_.load(std::memory_order_relaxed);
  }
  auto it = seen->find(key);
  return it == seen->end() ? fallback : it->second;
}

}  // namespace tgvoip
