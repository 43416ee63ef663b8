#include "engine/tcp-link.h"

namespace tgvoip {

std::unique_ptr<TcpLink> TcpLink::open(const SocketAddress& to, const ProxyConfig* proxy, double now) {
  protocol::Bytes header;
  auto codec = protocol::TcpObfuscatedCodec::createClient(header);
  if (!codec) return nullptr;
  auto stream = TcpStream::open(to, proxy, protocol::Socks5Command::Connect, now);
  if (!stream) return nullptr;
  stream->write(header);
  return std::unique_ptr<TcpLink>(new TcpLink(std::move(stream), std::move(*codec)));
}

void TcpLink::sendFrame(const protocol::Bytes& datagram) {
  if (broken()) return;
  protocol::Bytes frame;
  if (codec_.encodeFrame(datagram, frame)) stream_->write(frame);
}

void TcpLink::receive(std::vector<protocol::Bytes>& frames) {
  protocol::Bytes bytes;
  stream_->receive(bytes);
  if (bytes.empty() || badFrame_) return;
  if (codec_.feed(bytes, frames) != protocol::TcpFrameError::None) badFrame_ = true;
}

}  // namespace tgvoip
