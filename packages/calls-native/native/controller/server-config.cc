#include "controller/server-config.h"

namespace tgvoip {

ServerConfig& ServerConfig::instance() {
  static ServerConfig* config = new ServerConfig();
  return *config;
}

void ServerConfig::replace(Values values) {
  std::lock_guard<std::mutex> lock(mutex_);
  values_ = std::move(values);
}

double ServerConfig::get(std::string_view key, double fallback) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

}  // namespace tgvoip
