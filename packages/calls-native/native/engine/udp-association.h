// UDP through a SOCKS5 proxy (RFC 1928 §7). A control connection asks for UDP ASSOCIATE
// and must stay open for as long as the association is used (the proxy ends it with
// the connection); datagrams then go to the relay address the proxy named, each behind
// a header that names its real destination, and come back behind one naming the source.
#pragma once

#include <memory>

#include "engine/tcp-stream.h"
#include "engine/udp-socket.h"

namespace tgvoip {

class UdpAssociation {
 public:
  // Starts the control connection; nothing if no socket could be created.
  static std::unique_ptr<UdpAssociation> open(const ProxyConfig& proxy, double now);

  int controlFd() const { return control_->fd(); }
  bool ready() const { return !control_->broken() && control_->ready(); }
  // The control connection is gone: before the grant (see failure()) or after it.
  bool broken() const { return control_->broken(); }
  bool wasGranted() const { return control_->ready(); }
  ProxyFailure failure() const { return control_->proxyFailure(); }

  void service(double now) { control_->service(now); }
  // Reads the control connection, which says nothing after the grant: only its closing matters.
  void receiveControl();

  // Sends `payload` to `to` through the proxy's relay; false while not ready.
  bool send(UdpSocket& socket, protocol::ByteView payload, const SocketAddress& to);
  // A datagram from `source`: true, with the real sender and a view of the payload, if it
  // came from the proxy's relay and its header is well-formed.
  bool unwrap(protocol::ByteView datagram, const SocketAddress& source, SocketAddress& from,
              protocol::ByteView& payload) const;

 private:
  explicit UdpAssociation(std::unique_ptr<TcpStream> control) : control_(std::move(control)) {}

  std::unique_ptr<TcpStream> control_;
  protocol::Bytes sendBuffer_;  // reused: a header and a datagram per packet
};

}  // namespace tgvoip
