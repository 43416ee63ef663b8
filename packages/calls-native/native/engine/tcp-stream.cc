#include "engine/tcp-stream.h"

#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/platform.h"

namespace tgvoip {

protocol::Socks5Address toSocks5Address(const SocketAddress& address) {
  protocol::Socks5Address out;
  std::memcpy(out.ip.data(), address.addr.sin6_addr.s6_addr, out.ip.size());
  out.port = address.port();
  return out;
}

SocketAddress fromSocks5Address(const protocol::Socks5Address& address) {
  SocketAddress out;
  out.addr.sin6_family = AF_INET6;
  out.addr.sin6_port = htons(address.port);
  std::memcpy(out.addr.sin6_addr.s6_addr, address.ip.data(), address.ip.size());
  return out;
}

std::unique_ptr<TcpStream> TcpStream::open(const SocketAddress& target, const ProxyConfig* proxy,
                                           protocol::Socks5Command command, double now) {
  int fd = openSocket(AF_INET6, SOCK_STREAM);
  if (fd < 0) return nullptr;
  int off = 0;
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
  int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));  // frames are small and urgent
  std::unique_ptr<TcpStream> stream(new TcpStream(fd, now));
  if (proxy) {
    stream->proxyAddress_ = proxy->address;
    stream->command_ = command;
    stream->handshake_.emplace(command, toSocks5Address(target), proxy->username, proxy->password);
    if (!stream->handshake_->start(stream->outQueue_)) {
      stream->fail(ProxyFailure::AuthRefused);
      return stream;
    }
  }
  const SocketAddress& to = proxy ? proxy->address : target;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&to.addr), sizeof(to.addr)) != 0 && errno != EINPROGRESS) {
    if (!proxy) return nullptr;
    // Kept, broken, so the caller learns that the proxy cannot be reached.
    stream->fail(ProxyFailure::Unreachable);
  }
  return stream;
}

TcpStream::~TcpStream() {
  if (fd_ >= 0) ::close(fd_);
}

SocketAddress TcpStream::proxyUdpRelay() const {
  if (!handshake_) return SocketAddress{};
  const auto& bound = handshake_->bound();
  if (!bound.isUnspecified()) return fromSocks5Address(bound);
  SocketAddress relay = proxyAddress_;
  relay.addr.sin6_port = htons(bound.port);
  return relay;
}

void TcpStream::fail(ProxyFailure failure) {
  // Only a stream that never got through the handshake blames the proxy.
  if (!ready() && proxyFailure_ == ProxyFailure::None) proxyFailure_ = failure;
  broken_ = true;
}

void TcpStream::write(protocol::ByteView bytes) {
  if (broken_) return;
  protocol::Bytes& queue = ready() ? outQueue_ : held_;
  if (outQueue_.size() + held_.size() + bytes.size > kMaxQueuedBytes) {
    broken_ = true;
    return;
  }
  queue.insert(queue.end(), bytes.data, bytes.data + bytes.size);
  flush();
}

void TcpStream::service(double now) {
  if (!broken_ && !ready() && now - openedAt_ > kProxyHandshakeTimeout) fail(ProxyFailure::Unreachable);
  flush();
}

void TcpStream::flush() {
  while (!broken_ && !outQueue_.empty()) {
    ssize_t sent = sendWithoutSignal(fd_, outQueue_.data(), outQueue_.size());
    if (sent > 0) {
      outQueue_.erase(outQueue_.begin(), outQueue_.begin() + sent);
      continue;
    }
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTCONN || errno == EINTR)) return;
    fail(ProxyFailure::Unreachable);
  }
}

void TcpStream::onHandshakeBytes(protocol::ByteView bytes, protocol::Bytes& in) {
  using protocol::Socks5Result;
  switch (handshake_->feed(bytes, outQueue_)) {
    case Socks5Result::Pending: break;
    case Socks5Result::Ready: {
      outQueue_.insert(outQueue_.end(), held_.begin(), held_.end());
      held_.clear();
      protocol::Bytes leftover = handshake_->takeLeftover();
      in.insert(in.end(), leftover.begin(), leftover.end());
      break;
    }
    case Socks5Result::NotSocks5: fail(ProxyFailure::Unreachable); break;
    case Socks5Result::NoAcceptableMethod:
    case Socks5Result::AuthRefused: fail(ProxyFailure::AuthRefused); break;
    case Socks5Result::RequestRefused:
      fail(command_ == protocol::Socks5Command::UdpAssociate ? ProxyFailure::UdpUnsupported : ProxyFailure::Refused);
      break;
  }
  flush();
}

void TcpStream::receive(protocol::Bytes& in) {
  uint8_t buffer[4096];
  while (!broken_) {
    ssize_t got = recv(fd_, buffer, sizeof(buffer), 0);
    if (got > 0) {
      protocol::ByteView bytes(buffer, static_cast<size_t>(got));
      if (ready()) {
        in.insert(in.end(), buffer, buffer + got);
      } else {
        onHandshakeBytes(bytes, in);
      }
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    fail(ProxyFailure::Unreachable);  // closed by the peer, or a connection error
  }
}

}  // namespace tgvoip
