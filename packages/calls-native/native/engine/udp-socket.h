// A non-blocking, dual-stack UDP socket (spec §9.2 step 1). IPv4 peers are addressed
// through IPv4-mapped IPv6 addresses, so one socket serves relays and peers alike.
#pragma once

#include <netinet/in.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace tgvoip {

// "a.b.c.d" for an IPv4 address in network order.
std::string ipv4String(const std::array<uint8_t, 4>& ip);

struct SocketAddress {
  sockaddr_in6 addr{};

  static bool parse(const std::string& ip, uint16_t port, SocketAddress& out);
  bool operator==(const SocketAddress& other) const;
  uint16_t port() const;
  // The IPv4 address in network order if this is an IPv4-mapped address.
  bool ipv4(uint8_t out[4]) const;
  // "a.b.c.d:port", or "[v6]:port".
  std::string toString() const;
};

class UdpSocket {
 public:
  UdpSocket() = default;
  ~UdpSocket();
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // Binds to a random port in [16384, 32767] (10 attempts) or else any port.
  bool open();
  void close();
  int fd() const { return fd_; }
  uint16_t localPort() const { return localPort_; }

  bool sendTo(const uint8_t* data, size_t size, const SocketAddress& to);
  // Returns the datagram size, or -1 when nothing is waiting.
  long receive(uint8_t* buffer, size_t capacity, SocketAddress& from);

 private:
  int fd_ = -1;
  uint16_t localPort_ = 0;
};

}  // namespace tgvoip
