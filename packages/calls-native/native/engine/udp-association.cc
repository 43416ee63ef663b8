#include "engine/udp-association.h"

namespace tgvoip {

std::unique_ptr<UdpAssociation> UdpAssociation::open(const ProxyConfig& proxy, double now) {
  // DST 0.0.0.0:0: our public address is the NAT's business, so let the proxy take
  // datagrams from wherever this client's address sends them.
  SocketAddress anywhere;
  SocketAddress::parse("0.0.0.0", 0, anywhere);
  auto control = TcpStream::open(anywhere, &proxy, protocol::Socks5Command::UdpAssociate, now);
  if (!control) return nullptr;
  return std::unique_ptr<UdpAssociation>(new UdpAssociation(std::move(control)));
}

void UdpAssociation::receiveControl() {
  protocol::Bytes ignored;
  control_->receive(ignored);
}

bool UdpAssociation::send(UdpSocket& socket, protocol::ByteView payload, const SocketAddress& to) {
  if (!ready()) return false;
  sendBuffer_.clear();
  protocol::encodeSocks5UdpDatagram(toSocks5Address(to), payload, sendBuffer_);
  return socket.sendTo(sendBuffer_.data(), sendBuffer_.size(), control_->proxyUdpRelay());
}

bool UdpAssociation::unwrap(protocol::ByteView datagram, const SocketAddress& source, SocketAddress& from,
                            protocol::ByteView& payload) const {
  if (!ready() || !(source == control_->proxyUdpRelay())) return false;
  protocol::Socks5Address sender;
  if (protocol::parseSocks5UdpDatagram(datagram, sender, payload) != protocol::ParseError::None) return false;
  from = fromSocks5Address(sender);
  return true;
}

}  // namespace tgvoip
