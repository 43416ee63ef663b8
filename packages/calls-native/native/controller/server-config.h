// Process-wide server config (spec §14): the flat `phone.getCallConfig` object. The
// TypeScript side parses JSON and hands over only numbers and booleans (booleans as
// 0/1), so a key of the wrong type simply keeps its default, as the reference does.
#pragma once

#include <map>
#include <mutex>
#include <string>

namespace tgvoip {

class ServerConfig {
 public:
  static ServerConfig& instance();

  void replace(std::map<std::string, double> values);
  void set(const std::string& key, double value);
  double get(const std::string& key, double fallback) const;
  int getInt(const std::string& key, int fallback) const { return static_cast<int>(get(key, fallback)); }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, double> values_;
};

}  // namespace tgvoip
