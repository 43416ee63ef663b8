// Process-wide server config (spec §14): the flat `phone.getCallConfig` object. The
// TypeScript side parses JSON and hands over only numbers and booleans (booleans as
// 0/1), so a key of the wrong type simply keeps its default, as the reference does.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace tgvoip {

class ServerConfig {
 public:
  static ServerConfig& instance();

  // Values keyed with std::less<> so that lookups take a string_view: the engine thread
  // reads keys every tick, and a std::string key of more than 15 characters allocates.
  using Values = std::map<std::string, double, std::less<>>;

  // Any thread.
  void replace(Values values);
  // Any thread. Engine threads read keys every tick, so a read takes no lock: each thread
  // keeps the values it last saw and fetches them again only after a replace(). (With a
  // lock, an engine thread preempted while holding it stalls every other engine thread.)
  double get(std::string_view key, double fallback) const;
  int getInt(std::string_view key, int fallback) const { return static_cast<int>(get(key, fallback)); }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Values> values_ = std::make_shared<const Values>();  // replaced whole, under mutex_
  std::atomic<uint64_t> version_{1};  // bumped under mutex_ by every replace()
};

}  // namespace tgvoip
