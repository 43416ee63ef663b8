#include "engine/udp-socket.h"

#include <arpa/inet.h>
#include <openssl/rand.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "engine/platform.h"

namespace tgvoip {

std::string ipv4String(const std::array<uint8_t, 4>& ip) {
  char buffer[INET_ADDRSTRLEN] = {0};
  inet_ntop(AF_INET, ip.data(), buffer, sizeof(buffer));
  return buffer;
}

bool SocketAddress::parse(const std::string& ip, uint16_t port, SocketAddress& out) {
  out.addr = sockaddr_in6{};
  out.addr.sin6_family = AF_INET6;
  out.addr.sin6_port = htons(port);
  in_addr v4{};
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) {
    uint8_t* bytes = out.addr.sin6_addr.s6_addr;
    bytes[10] = 0xFF;
    bytes[11] = 0xFF;
    std::memcpy(bytes + 12, &v4, 4);
    return true;
  }
  return inet_pton(AF_INET6, ip.c_str(), &out.addr.sin6_addr) == 1;
}

bool SocketAddress::operator==(const SocketAddress& other) const {
  return addr.sin6_port == other.addr.sin6_port &&
         std::memcmp(&addr.sin6_addr, &other.addr.sin6_addr, sizeof(in6_addr)) == 0;
}

uint16_t SocketAddress::port() const { return ntohs(addr.sin6_port); }

bool SocketAddress::ipv4(uint8_t out[4]) const {
  if (!IN6_IS_ADDR_V4MAPPED(&addr.sin6_addr)) return false;
  std::memcpy(out, addr.sin6_addr.s6_addr + 12, 4);
  return true;
}

std::string SocketAddress::toString() const {
  char buffer[INET6_ADDRSTRLEN] = {0};
  uint8_t v4[4];
  if (ipv4(v4)) {
    inet_ntop(AF_INET, v4, buffer, sizeof(buffer));
    return std::string(buffer) + ":" + std::to_string(port());
  }
  inet_ntop(AF_INET6, &addr.sin6_addr, buffer, sizeof(buffer));
  return "[" + std::string(buffer) + "]:" + std::to_string(port());
}

UdpSocket::~UdpSocket() { close(); }

bool UdpSocket::open() {
  fd_ = openSocket(AF_INET6, SOCK_DGRAM);
  if (fd_ < 0) return false;
  int off = 0;
  setsockopt(fd_, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
  int tos = 0xB8;  // DSCP EF, as the reference does
  setsockopt(fd_, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
  sockaddr_in6 local{};
  local.sin6_family = AF_INET6;
  local.sin6_addr = in6addr_any;
  bool bound = false;
  for (int attempt = 0; attempt < 10 && !bound; attempt++) {
    uint16_t random = 0;
    RAND_bytes(reinterpret_cast<unsigned char*>(&random), sizeof(random));
    local.sin6_port = htons(static_cast<uint16_t>(16384 + random % 16384));
    bound = bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof(local)) == 0;
  }
  if (!bound) {
    local.sin6_port = 0;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
      close();
      return false;
    }
  }
  sockaddr_in6 actual{};
  socklen_t len = sizeof(actual);
  getsockname(fd_, reinterpret_cast<sockaddr*>(&actual), &len);
  localPort_ = ntohs(actual.sin6_port);
  return true;
}

void UdpSocket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool UdpSocket::sendTo(const uint8_t* data, size_t size, const SocketAddress& to) {
  if (fd_ < 0) return false;
  ssize_t sent = sendto(fd_, data, size, 0, reinterpret_cast<const sockaddr*>(&to.addr), sizeof(to.addr));
  return sent == static_cast<ssize_t>(size);
}

long UdpSocket::receive(uint8_t* buffer, size_t capacity, SocketAddress& from) {
  if (fd_ < 0) return -1;
  socklen_t len = sizeof(from.addr);
  ssize_t got = recvfrom(fd_, buffer, capacity, 0, reinterpret_cast<sockaddr*>(&from.addr), &len);
  return got < 0 ? -1 : static_cast<long>(got);
}

}  // namespace tgvoip
