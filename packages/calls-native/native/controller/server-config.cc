#include "controller/server-config.h"

namespace tgvoip {

ServerConfig& ServerConfig::instance() {
  static ServerConfig* config = new ServerConfig();
  return *config;
}

void ServerConfig::replace(std::map<std::string, double> values) {
  std::lock_guard<std::mutex> lock(mutex_);
  values_ = std::move(values);
}

void ServerConfig::set(const std::string& key, double value) {
  std::lock_guard<std::mutex> lock(mutex_);
  values_[key] = value;
}

double ServerConfig::get(const std::string& key, double fallback) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

}  // namespace tgvoip
