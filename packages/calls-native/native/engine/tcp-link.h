// A non-blocking TCP connection to a relay carrying obfuscated, framed datagrams
// (spec §10.6). Writes that the kernel cannot take at once wait in a small queue that
// the engine flushes every tick; if even that overflows the frame is dropped, as a UDP
// datagram would be: late audio is worthless.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "engine/udp-socket.h"
#include "protocol/tcp-obfuscation.h"

namespace tgvoip {

class TcpLink {
 public:
  ~TcpLink();
  // Starts connecting; nothing if no socket could be created.
  static std::unique_ptr<TcpLink> open(const SocketAddress& to);

  int fd() const { return fd_; }
  bool broken() const { return broken_; }
  // Queues one datagram (size a multiple of 4) and tries to send.
  void sendFrame(const protocol::Bytes& datagram);
  // Engine tick: pushes queued bytes once the connection is up.
  void flush();
  // Reads what arrived; appends complete datagrams to `frames`.
  void receive(std::vector<protocol::Bytes>& frames);

 private:
  TcpLink(int fd, protocol::TcpObfuscatedCodec codec, protocol::Bytes header);

  int fd_;
  protocol::TcpObfuscatedCodec codec_;
  protocol::Bytes outQueue_;
  bool broken_ = false;
};

}  // namespace tgvoip
