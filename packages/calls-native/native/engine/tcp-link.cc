#include "engine/tcp-link.h"

#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace tgvoip {

namespace {
constexpr size_t kMaxQueuedBytes = 16 * 1024;
}

std::unique_ptr<TcpLink> TcpLink::open(const SocketAddress& to) {
  protocol::Bytes header;
  auto codec = protocol::TcpObfuscatedCodec::createClient(header);
  if (!codec) return nullptr;
  int fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  int off = 0;
  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
  int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));  // frames are small and urgent
  if (connect(fd, reinterpret_cast<const sockaddr*>(&to.addr), sizeof(to.addr)) != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<TcpLink>(new TcpLink(fd, std::move(*codec), std::move(header)));
}

TcpLink::TcpLink(int fd, protocol::TcpObfuscatedCodec codec, protocol::Bytes header)
    : fd_(fd), codec_(std::move(codec)), outQueue_(std::move(header)) {}

TcpLink::~TcpLink() {
  if (fd_ >= 0) ::close(fd_);
}

void TcpLink::sendFrame(const protocol::Bytes& datagram) {
  if (broken_) return;
  protocol::Bytes frame;
  if (!codec_.encodeFrame(datagram, frame)) return;
  // The CTR stream has advanced over this frame, so it must reach the wire eventually:
  // when the queue is full the connection is given up rather than desynchronised.
  if (outQueue_.size() + frame.size() > kMaxQueuedBytes) {
    broken_ = true;
    return;
  }
  outQueue_.insert(outQueue_.end(), frame.begin(), frame.end());
  flush();
}

void TcpLink::flush() {
  while (!broken_ && !outQueue_.empty()) {
    ssize_t sent = send(fd_, outQueue_.data(), outQueue_.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      outQueue_.erase(outQueue_.begin(), outQueue_.begin() + sent);
      continue;
    }
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTCONN || errno == EINTR)) return;
    broken_ = true;
  }
}

void TcpLink::receive(std::vector<protocol::Bytes>& frames) {
  uint8_t buffer[4096];
  while (!broken_) {
    ssize_t got = recv(fd_, buffer, sizeof(buffer), 0);
    if (got > 0) {
      if (codec_.feed(protocol::ByteView(buffer, static_cast<size_t>(got)), frames) != protocol::TcpFrameError::None) {
        broken_ = true;
      }
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    broken_ = true;  // closed by the relay, or a connection error
  }
}

}  // namespace tgvoip
