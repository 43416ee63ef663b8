// TCP fallback of CallController (spec §10.5, §10.6): after four rounds of UDP pings,
// relays that never answered mean UDP does not get through, so the call moves to TCP
// copies of the relays (same address, port and tag) carrying obfuscated frames.
#include "controller/call-controller.h"
#include "controller/server-config.h"

namespace tgvoip {

namespace {
constexpr double kVerdictDelay = 1.0;
constexpr double kReconnectInterval = 1.0;
}  // namespace

void CallController::evaluateUdp(double now) {
  if (udpEvaluated_ || tcpMode_ || udpPingRounds_ < kUdpPingRounds ||
      now - lastUdpPingAt_ < kVerdictDelay) {
    return;
  }
  udpEvaluated_ = true;
  // Mean pong count over the relays that answered at least once; 0 if none did.
  int answered = 0;
  int pongs = 0;
  for (const auto& relay : endpoints_) {
    if (relay.udpPongs > 0) {
      answered++;
      pongs += relay.udpPongs;
    }
  }
  bool udpUnavailable = answered == 0 || pongs == 0;
  // A call that already carries packets over UDP needs no rescue.
  bool udpCarriesCall = initAckReceived_ || initReceived_;
  if (udpUnavailable && !udpCarriesCall && ServerConfig::instance().get("use_tcp", 1) != 0) {
    // Through a proxy that granted UDP but relays nothing back, UDP is as good as refused.
    if (proxy_) reportProxyFailure(ProxyFailure::UdpUnsupported);
    enterTcpMode(now);
  }
}

void CallController::enterTcpMode(double now) {
  if (tcpMode_ || endpoints_.empty()) return;
  tcpRelays_.clear();
  tcpRelays_.reserve(endpoints_.size());  // never resized later: pointers into it stay valid
  for (const auto& relay : endpoints_) {
    CallEndpoint copy;
    copy.kind = EndpointKind::TcpRelay;
    copy.info = relay.info;
    copy.info.id = relay.info.id ^ kTcpRelayIdMask;
    copy.address = relay.address;
    tcpRelays_.push_back(std::move(copy));
  }
  tcpLinks_.clear();
  tcpLinks_.resize(tcpRelays_.size());
  tcpReconnectAt_.assign(tcpRelays_.size(), now);
  tcpMode_ = true;
  closeUdpProxy();  // through a proxy, TCP relays use CONNECT: the association is useless now
  current_ = &tcpRelays_[preferredIndex_ < tcpRelays_.size() ? preferredIndex_ : 0];
  serviceTcp(now);
  if (state_ == CallState::WaitInit || state_ == CallState::WaitInitAck) sendInitRound(now);
}

void CallController::serviceTcp(double now) {
  for (size_t i = 0; i < tcpLinks_.size(); i++) {
    auto& link = tcpLinks_[i];
    if (link && link->broken()) {
      ProxyFailure failure = link->proxyFailure();
      loop_.unwatch(link->fd());
      link.reset();
      tcpReconnectAt_[i] = now + kReconnectInterval;
      onProxyFailure(failure, now);
      if (state_ == CallState::Failed) return;
    }
    if (!link && now >= tcpReconnectAt_[i]) {
      link = TcpLink::open(tcpRelays_[i].address, proxy_ ? &*proxy_ : nullptr, now);
      if (link) {
        loop_.watch(link->fd(), this);
      } else {
        tcpReconnectAt_[i] = now + kReconnectInterval;
      }
    }
    if (link) link->service(now);
  }
}

void CallController::receiveTcp(size_t index, double now) {
  std::vector<protocol::Bytes> frames;
  tcpLinks_[index]->receive(frames);
  for (const auto& frame : frames) {
    if (!running_) return;
    handleDatagramFrom(tcpRelays_[index], frame.data(), frame.size(), now);
  }
}

void CallController::sendTcp(const protocol::Bytes& datagram, CallEndpoint& to) {
  size_t index = static_cast<size_t>(&to - tcpRelays_.data());
  if (index >= tcpLinks_.size() || !tcpLinks_[index]) return;
  tcpLinks_[index]->sendFrame(datagram);
  counters_.bytesSent += datagram.size();
  counters_.packetsSent++;
}

}  // namespace tgvoip
