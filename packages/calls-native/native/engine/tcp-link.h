// A TCP connection to a relay carrying obfuscated, framed datagrams (spec §10.6),
// direct or through a SOCKS5 proxy's CONNECT. Writes the kernel cannot take at once wait
// in the stream's small queue, flushed every tick; if even that overflows the link
// breaks (the CTR stream cannot skip a frame) and is reopened.
#pragma once

#include <memory>
#include <vector>

#include "engine/tcp-stream.h"
#include "protocol/tcp-obfuscation.h"

namespace tgvoip {

class TcpLink {
 public:
  // Starts connecting (to `proxy` if given); nothing if no socket could be created.
  static std::unique_ptr<TcpLink> open(const SocketAddress& to, const ProxyConfig* proxy, double now);

  int fd() const { return stream_->fd(); }
  bool broken() const { return badFrame_ || stream_->broken(); }
  ProxyFailure proxyFailure() const { return stream_->proxyFailure(); }
  // Queues one datagram (size a multiple of 4) and tries to send.
  void sendFrame(const protocol::Bytes& datagram);
  // Engine tick: pushes queued bytes once the connection is up.
  void service(double now) { stream_->service(now); }
  // Reads what arrived; appends complete datagrams to `frames`.
  void receive(std::vector<protocol::Bytes>& frames);

 private:
  TcpLink(std::unique_ptr<TcpStream> stream, protocol::TcpObfuscatedCodec codec)
      : stream_(std::move(stream)), codec_(std::move(codec)) {}

  std::unique_ptr<TcpStream> stream_;
  protocol::TcpObfuscatedCodec codec_;
  bool badFrame_ = false;
};

}  // namespace tgvoip
