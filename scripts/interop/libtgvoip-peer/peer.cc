// The "libtgvoip peer": one side of a call run by the real libtgvoip (grishka/libtgvoip,
// built with --enable-audio-callback), so that tests can call our engine from it. It
// only uses libtgvoip's public API (tgvoip::VoIPController).
//
// Arguments: see kUsage below.
//
// It plays a sine (48 kHz mono s16, amplitude 0.3) and writes what it hears to --record
// as raw s16le 48 kHz mono. stdout carries one JSON object per line ("event": "version",
// "state", "end"); libtgvoip's own log lines (which it prints to stdout) go to --log, or
// to stderr. The call ends --seconds after it was first ESTABLISHED, on SIGTERM/SIGINT,
// or when it fails. Exit status: 0 when the call reached ESTABLISHED, 1 when it never did, 2 on bad
// arguments.

#include <VoIPController.h>
#include <arpa/inet.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

constexpr const char* kUsage =
    "usage: libtgvoip-peer --key <512 hex> --outgoing|--incoming\n"
    "         --relay <id>,<ipv4>,<ipv6>,<port>,<32 hex tag>[,tcp] (repeatable; one address may be empty)\n"
    "         [--proxy <ipv4>:<port>[:<username>]] (password: $LIBTGVOIP_PEER_PROXY_PASSWORD) [--p2p] [--ethernet]\n"
    "         [--tone <Hz>] [--record <file.s16le>] [--seconds <s>]\n"
    "         [--init-timeout <s>] [--recv-timeout <s>] [--log <file>]\n";
constexpr int kSampleRate = 48000;
constexpr double kToneAmplitude = 0.3;

struct RelayArg {
  int64_t id = 0;
  std::string ip;
  std::string ipv6;
  uint16_t port = 0;
  unsigned char tag[16] = {};
  bool tcp = false;
};

struct ProxyArg {
  std::string host;
  uint16_t port = 0;
  std::string username;
  std::string password;
};

struct Options {
  std::vector<unsigned char> key;
  bool outgoing = false;
  bool roleGiven = false;
  std::vector<RelayArg> relays;
  bool hasProxy = false;
  ProxyArg proxy;
  bool allowP2p = false;
  bool ethernet = false;
  double toneHz = 0;
  std::string recordPath;
  double seconds = 10;
  double initTimeout = 10;
  double recvTimeout = 10;
  std::string logPath;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::vector<unsigned char> parseHex(const std::string& hex, size_t expectedBytes, const char* what) {
  if (hex.size() != expectedBytes * 2) throw UsageError(std::string(what) + " must be " + std::to_string(expectedBytes * 2) + " hex digits");
  std::vector<unsigned char> out(expectedBytes);
  for (size_t i = 0; i < expectedBytes; i++) {
    char byte[3] = {hex[2 * i], hex[2 * i + 1], 0};
    char* end = nullptr;
    unsigned long value = std::strtoul(byte, &end, 16);
    if (end != byte + 2) throw UsageError(std::string(what) + " is not hex");
    out[i] = static_cast<unsigned char>(value);
  }
  return out;
}

double parseNumber(const std::string& text, const char* what) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(value) || value < 0) throw UsageError(std::string(what) + " must be a non-negative number");
  return value;
}

uint16_t parsePort(const std::string& text) {
  double value = parseNumber(text, "port");
  if (value < 1 || value > 65535 || value != std::floor(value)) throw UsageError("port must be 1..65535");
  return static_cast<uint16_t>(value);
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

RelayArg parseRelay(const std::string& text) {
  std::vector<std::string> parts = split(text, ',');
  if (parts.size() != 5 && parts.size() != 6) throw UsageError("--relay is <id>,<ipv4>,<ipv6>,<port>,<tag hex>[,tcp]");
  RelayArg relay;
  relay.id = std::strtoll(parts[0].c_str(), nullptr, 10);
  relay.ip = parts[1];
  relay.ipv6 = parts[2];
  unsigned char probe[16];
  if (relay.ip.empty() && relay.ipv6.empty()) throw UsageError("a relay needs an IPv4 or an IPv6 address");
  if (!relay.ip.empty() && inet_pton(AF_INET, relay.ip.c_str(), probe) != 1) throw UsageError("not an IPv4 address: " + relay.ip);
  if (!relay.ipv6.empty() && inet_pton(AF_INET6, relay.ipv6.c_str(), probe) != 1) throw UsageError("not an IPv6 address: " + relay.ipv6);
  relay.port = parsePort(parts[3]);
  std::vector<unsigned char> tag = parseHex(parts[4], 16, "a relay's peer tag");
  std::memcpy(relay.tag, tag.data(), 16);
  if (parts.size() == 6) {
    if (parts[5] != "tcp") throw UsageError("a relay's sixth field can only be 'tcp'");
    relay.tcp = true;
  }
  return relay;
}

ProxyArg parseProxy(const std::string& text) {
  std::vector<std::string> parts = split(text, ':');
  if (parts.size() != 2 && parts.size() != 3) throw UsageError("--proxy is <ipv4>:<port>[:<username>]");
  ProxyArg proxy;
  proxy.host = parts[0];
  proxy.port = parsePort(parts[1]);
  if (parts.size() == 3) proxy.username = parts[2];
  // The password is not an argument, so that it does not show in the process list.
  if (const char* password = std::getenv("LIBTGVOIP_PEER_PROXY_PASSWORD")) proxy.password = password;
  return proxy;
}

Options parseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; i++) {
    std::string name = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw UsageError(name + " needs a value");
      return argv[++i];
    };
    if (name == "--key") options.key = parseHex(value(), 256, "--key");
    else if (name == "--outgoing" || name == "--incoming") {
      options.outgoing = name == "--outgoing";
      options.roleGiven = true;
    } else if (name == "--relay") options.relays.push_back(parseRelay(value()));
    else if (name == "--proxy") {
      options.proxy = parseProxy(value());
      options.hasProxy = true;
    } else if (name == "--p2p") options.allowP2p = true;
    else if (name == "--ethernet") options.ethernet = true;
    else if (name == "--tone") options.toneHz = parseNumber(value(), "--tone");
    else if (name == "--record") options.recordPath = value();
    else if (name == "--seconds") options.seconds = parseNumber(value(), "--seconds");
    else if (name == "--init-timeout") options.initTimeout = parseNumber(value(), "--init-timeout");
    else if (name == "--recv-timeout") options.recvTimeout = parseNumber(value(), "--recv-timeout");
    else if (name == "--log") options.logPath = value();
    else throw UsageError("unknown argument " + name);
  }
  if (options.key.empty()) throw UsageError("--key is required");
  if (!options.roleGiven) throw UsageError("--outgoing or --incoming is required");
  if (options.relays.empty()) throw UsageError("at least one --relay is required");
  return options;
}

std::string jsonString(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

const char* stateName(int state) {
  switch (state) {
    case tgvoip::STATE_WAIT_INIT: return "WAIT_INIT";
    case tgvoip::STATE_WAIT_INIT_ACK: return "WAIT_INIT_ACK";
    case tgvoip::STATE_ESTABLISHED: return "ESTABLISHED";
    case tgvoip::STATE_FAILED: return "FAILED";
    case tgvoip::STATE_RECONNECTING: return "RECONNECTING";
    default: return "UNKNOWN";
  }
}

// JSON lines go to the stdout this process was started with; fd 1 itself is handed to
// libtgvoip's log (see redirectLibraryLog), which printf()s there.
class EventWriter {
 public:
  explicit EventWriter(FILE* out) : out_(out), start_(std::chrono::steady_clock::now()) {}

  double elapsedMs() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  }

  void write(const std::string& jsonObject) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::fputs(jsonObject.c_str(), out_);
    std::fputc('\n', out_);
    std::fflush(out_);
  }

 private:
  FILE* out_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_;
};

FILE* redirectLibraryLog(const std::string& logPath) {
  int eventsFd = dup(STDOUT_FILENO);
  if (eventsFd < 0) throw std::runtime_error(std::string("dup(stdout): ") + std::strerror(errno));
  int logFd = logPath.empty() ? dup(STDERR_FILENO) : open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (logFd < 0) throw std::runtime_error("cannot open " + logPath + ": " + std::strerror(errno));
  std::fflush(stdout);
  dup2(logFd, STDOUT_FILENO);
  close(logFd);
  FILE* events = fdopen(eventsFd, "w");
  if (!events) throw std::runtime_error(std::string("fdopen: ") + std::strerror(errno));
  return events;
}

// Shared with libtgvoip's threads (state callback, audio callbacks) and the signal handler.
EventWriter* gEvents = nullptr;
std::atomic<int> gState{0};
std::atomic<bool> gEverEstablished{false};
std::atomic<double> gEstablishedAtMs{-1};
std::atomic<bool> gStop{false};

void onStateChanged(tgvoip::VoIPController*, int state) {
  gState = state;
  double atMs = gEvents->elapsedMs();
  if (state == tgvoip::STATE_ESTABLISHED && !gEverEstablished.exchange(true)) gEstablishedAtMs = atMs;
  char line[160];
  std::snprintf(line, sizeof(line), "{\"event\":\"state\",\"state\":\"%s\",\"code\":%d,\"atMs\":%.1f}", stateName(state), state, atMs);
  gEvents->write(line);
}

void onSignal(int) { gStop = true; }

class ToneSource {
 public:
  explicit ToneSource(double hz) : step_(2 * M_PI * hz / kSampleRate) {}

  void fill(int16_t* samples, size_t count) {
    for (size_t i = 0; i < count; i++) {
      samples[i] = step_ == 0 ? 0 : static_cast<int16_t>(std::lround(std::sin(phase_) * kToneAmplitude * 32767));
      phase_ += step_;
    }
    phase_ = std::fmod(phase_, 2 * M_PI);
  }

 private:
  double step_;
  double phase_ = 0;
};

class Recorder {
 public:
  explicit Recorder(const std::string& path) {
    if (path.empty()) return;
    file_ = std::fopen(path.c_str(), "wb");
    if (!file_) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  }
  ~Recorder() {
    if (file_) std::fclose(file_);
  }
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // x86-64 is little-endian, so the samples are written as they are.
  void write(const int16_t* samples, size_t count) {
    frames_++;
    if (file_) std::fwrite(samples, sizeof(int16_t), count, file_);
  }
  uint64_t frames() const { return frames_; }

 private:
  FILE* file_ = nullptr;
  std::atomic<uint64_t> frames_{0};
};

// The Endpoint constructor that takes IPv4Address/IPv6Address strings cannot make an
// IPv6-only relay in 2.4.4: NetworkAddress::IPv6(std::string) leaves isIPv6 false, so "::1"
// reads as an empty IPv4 address, and an empty IPv4Address("") is an uninitialised
// in_addr (it printed 255.127.0.0), which libtgvoip then sends to. The peer uses the
// constructor that takes NetworkAddress values, built from already validated text.
tgvoip::NetworkAddress relayIPv4(const std::string& text) {
  if (text.empty()) return tgvoip::NetworkAddress::Empty();
  in_addr address{};
  inet_pton(AF_INET, text.c_str(), &address);
  return tgvoip::NetworkAddress::IPv4(address.s_addr);
}

tgvoip::NetworkAddress relayIPv6(const std::string& text) {
  if (text.empty()) return tgvoip::NetworkAddress::Empty();
  in6_addr address{};
  inet_pton(AF_INET6, text.c_str(), &address);
  return tgvoip::NetworkAddress::IPv6(address.s6_addr);
}

int runCall(const Options& options) {
  ToneSource tone(options.toneHz);
  Recorder recorder(options.recordPath);
  std::atomic<uint64_t> framesPlayed{0};

  {
    char line[200];
    std::snprintf(line, sizeof(line), "{\"event\":\"version\",\"version\":%s,\"connectionMaxLayer\":%d}",
                  jsonString(tgvoip::VoIPController::GetVersion()).c_str(), tgvoip::VoIPController::GetConnectionMaxLayer());
    gEvents->write(line);
  }

  auto* controller = new tgvoip::VoIPController();
  tgvoip::VoIPController::Config config(options.initTimeout, options.recvTimeout, tgvoip::DATA_SAVING_NEVER, false, false, false);
  controller->SetConfig(config);
  // As an app reports its network. It is also where libtgvoip looks for this machine's
  // IPv6 address, without which it never tries a relay's IPv6 address; it has to come
  // before SetRemoteEndpoints(), which adds the IPv6 copies of dual-stack relays.
  if (options.ethernet) controller->SetNetworkType(tgvoip::NET_TYPE_ETHERNET);

  std::vector<tgvoip::Endpoint> endpoints;
  for (const RelayArg& relay : options.relays) {
    unsigned char tag[16];
    std::memcpy(tag, relay.tag, 16);
    endpoints.emplace_back(relay.id, relay.port, relayIPv4(relay.ip), relayIPv6(relay.ipv6),
                           relay.tcp ? tgvoip::Endpoint::Type::TCP_RELAY : tgvoip::Endpoint::Type::UDP_RELAY, tag);
  }
  controller->SetRemoteEndpoints(endpoints, options.allowP2p, tgvoip::VoIPController::GetConnectionMaxLayer());
  if (options.hasProxy) {
    controller->SetProxy(tgvoip::PROXY_SOCKS5, options.proxy.host, options.proxy.port, options.proxy.username, options.proxy.password);
  }
  std::vector<unsigned char> key = options.key;
  controller->SetEncryptionKey(reinterpret_cast<char*>(key.data()), options.outgoing);
  controller->SetAudioDataCallbacks(
      [&](int16_t* samples, size_t count) {
        tone.fill(samples, count);
        framesPlayed++;
      },
      [&](int16_t* samples, size_t count) { recorder.write(samples, count); });
  tgvoip::VoIPController::Callbacks callbacks{};
  callbacks.connectionStateChanged = onStateChanged;
  controller->SetCallbacks(callbacks);

  controller->Start();
  controller->Connect();
  // The call lasts --seconds from the first ESTABLISHED, however long getting there took
  // (a fallback to TCP relays takes seconds). Before that libtgvoip's own initTimeout
  // ends it; the cap only guards against a library that never reports anything.
  const double capMs = (options.initTimeout + options.seconds + 5) * 1000;
  while (!gStop && gState != tgvoip::STATE_FAILED && gEvents->elapsedMs() < capMs) {
    double establishedAtMs = gEstablishedAtMs;
    if (establishedAtMs >= 0 && gEvents->elapsedMs() >= establishedAtMs + options.seconds * 1000) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  // Read everything before Stop(): it tears the endpoints down.
  int lastError = controller->GetLastError();
  int finalState = gState;
  int64_t preferredRelay = controller->GetPreferredRelayID();
  uint32_t peerCapabilities = controller->GetPeerCapabilities();
  std::string debugString = controller->GetDebugString();
  tgvoip::VoIPController::TrafficStats stats{};
  controller->GetStats(&stats);
  controller->Stop();
  // The debug log is JSON already; it is embedded as it is.
  std::string debugLog = controller->GetDebugLog();
  delete controller;

  std::string line = "{\"event\":\"end\",\"state\":\"" + std::string(stateName(finalState)) + "\"" +
                     ",\"everEstablished\":" + (gEverEstablished ? "true" : "false") +
                     ",\"establishedAtMs\":" + std::to_string(gEstablishedAtMs.load()) +
                     ",\"lastError\":" + std::to_string(lastError) +
                     ",\"preferredRelayId\":" + std::to_string(preferredRelay) +
                     ",\"peerCapabilities\":" + std::to_string(peerCapabilities) +
                     ",\"bytesSent\":" + std::to_string(stats.bytesSentWifi + stats.bytesSentMobile) +
                     ",\"bytesReceived\":" + std::to_string(stats.bytesRecvdWifi + stats.bytesRecvdMobile) +
                     ",\"framesPlayed\":" + std::to_string(framesPlayed.load()) +
                     ",\"framesRecorded\":" + std::to_string(recorder.frames()) +
                     ",\"debugString\":" + jsonString(debugString) +
                     ",\"debugLog\":" + (debugLog.empty() ? std::string("null") : debugLog) + "}";
  gEvents->write(line);
  return gEverEstablished ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = parseOptions(argc, argv);
  } catch (const UsageError& error) {
    std::fprintf(stderr, "libtgvoip-peer: %s\n%s", error.what(), kUsage);
    return 2;
  }
  try {
    FILE* events = redirectLibraryLog(options.logPath);
    EventWriter writer(events);
    gEvents = &writer;
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    int status = runCall(options);
    std::fclose(events);
    return status;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "libtgvoip-peer: %s\n", error.what());
    return 2;
  }
}
