// A non-blocking TCP connection, direct or through a SOCKS5 proxy (RFC 1928). Through a
// proxy it connects to the proxy, runs the handshake for its command (CONNECT to the
// target, or UDP ASSOCIATE), and holds back what the caller writes until the proxy
// has granted the request, so callers treat both kinds of stream alike.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine/udp-socket.h"
#include "protocol/socks5.h"

namespace tgvoip {

struct ProxyConfig {
  SocketAddress address;
  std::string username;
  std::string password;
};

// Why a proxy failed us; the values are what JS receives (ProxyError.reason).
enum class ProxyFailure : int32_t {
  None = 0,
  Unreachable = 1,     // no connection, closed or timed out during the handshake, or not SOCKS5
  AuthRefused = 2,     // wrong username/password, or a password is required
  UdpUnsupported = 3,  // UDP ASSOCIATE refused
  Refused = 4,         // CONNECT refused (the proxy cannot or may not reach the relay)
};

protocol::Socks5Address toSocks5Address(const SocketAddress& address);
SocketAddress fromSocks5Address(const protocol::Socks5Address& address);

class TcpStream {
 public:
  // How long a proxy may take from connect() to granting the request.
  static constexpr double kProxyHandshakeTimeout = 5.0;
  // Writes the kernel has not taken yet, beyond which the stream is given up.
  static constexpr size_t kMaxQueuedBytes = 16 * 1024;

  ~TcpStream();
  TcpStream(const TcpStream&) = delete;
  TcpStream& operator=(const TcpStream&) = delete;

  // Starts connecting to `target`, or to `proxy` which is then asked to `command`
  // (`target` is what CONNECT reaches; UDP ASSOCIATE ignores it). Nothing if no socket
  // could be created.
  static std::unique_ptr<TcpStream> open(const SocketAddress& target, const ProxyConfig* proxy,
                                         protocol::Socks5Command command, double now);

  int fd() const { return fd_; }
  bool broken() const { return broken_; }
  // Direct streams are ready at once (connect() completes behind the queue).
  bool ready() const { return !handshake_ || handshake_->result() == protocol::Socks5Result::Ready; }
  ProxyFailure proxyFailure() const { return proxyFailure_; }
  // UDP ASSOCIATE: where the proxy relays datagrams (its own address if it named none).
  SocketAddress proxyUdpRelay() const;

  // Queues bytes for the peer (held back until the proxy is ready) and tries to send.
  // Over kMaxQueuedBytes the stream breaks: the caller's framing cannot skip bytes.
  void write(protocol::ByteView bytes);
  // Engine tick: pushes queued bytes, and gives up a proxy handshake that takes too long.
  void service(double now);
  // Reads what arrived; the peer's bytes (after the handshake) are appended to `in`.
  void receive(protocol::Bytes& in);

 private:
  TcpStream(int fd, double now) : fd_(fd), openedAt_(now) {}
  void flush();
  void fail(ProxyFailure failure);
  void onHandshakeBytes(protocol::ByteView bytes, protocol::Bytes& in);

  int fd_;
  double openedAt_;
  std::optional<protocol::Socks5Handshake> handshake_;
  SocketAddress proxyAddress_;
  protocol::Socks5Command command_ = protocol::Socks5Command::Connect;
  protocol::Bytes outQueue_;
  protocol::Bytes held_;  // written before the proxy granted the request
  bool broken_ = false;
  ProxyFailure proxyFailure_ = ProxyFailure::None;
};

}  // namespace tgvoip
