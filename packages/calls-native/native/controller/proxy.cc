// SOCKS5 part of CallController. With a proxy every relay is reached through it: UDP
// relays through one UDP ASSOCIATE (whose control connection lives as long as the call
// uses it), TCP relays through CONNECT, and no P2P, as libtgvoip does. A proxy that
// refuses UDP moves the call to TCP relays; one that is unreachable or refuses the
// password at the start fails the call with ERROR_PROXY; losing it mid-call is a dead
// relay: the call reconnects when it comes back, or times out with ERROR_PROXY.
#include "controller/call-controller.h"
#include "engine/js-notifier.h"

namespace tgvoip {

namespace {
constexpr double kReassociateInterval = 1.0;
}  // namespace

void CallController::setProxy(const ProxyConfig& proxy) {
  if (running_) return;
  proxy_ = proxy;
}

void CallController::closeUdpProxy() {
  if (!udpProxy_) return;
  if (running_) loop_.unwatch(udpProxy_->controlFd());
  udpProxy_.reset();
}

void CallController::serviceUdpProxy(double now) {
  if (!proxy_ || tcpMode_ || proxyRefusesUdp_) return;
  if (!udpProxy_) {
    if (now < udpProxyRetryAt_) return;
    udpProxy_ = UdpAssociation::open(*proxy_, now);
    if (!udpProxy_) {
      udpProxyRetryAt_ = now + kReassociateInterval;
      return;
    }
    loop_.watch(udpProxy_->controlFd(), this);
  }
  bool wasReady = udpProxy_->ready();
  udpProxy_->service(now);
  if (udpProxy_->broken()) {
    bool granted = udpProxy_->wasGranted();
    ProxyFailure failure = udpProxy_->failure();
    closeUdpProxy();
    udpProxyRetryAt_ = now + kReassociateInterval;
    // Granted, then closed: the proxy went away mid-call, like a relay dying.
    onProxyFailure(granted ? ProxyFailure::Unreachable : failure, now);
    return;
  }
  if (!wasReady && udpProxy_->ready()) {
    proxyTrouble_ = ProxyFailure::None;
    reportedProxyFailure_ = ProxyFailure::None;
    // Nothing could be sent until now: start the UDP test and the handshake at once.
    sendUdpPings(now);
    if (state_ == CallState::WaitInitAck) sendInitRound(now);
  }
}

void CallController::onProxyFailure(ProxyFailure failure, double now) {
  if (failure == ProxyFailure::None) return;
  reportProxyFailure(failure);
  if (failure == ProxyFailure::UdpUnsupported) {
    // As libtgvoip: relays over TCP, through the proxy's CONNECT.
    proxyRefusesUdp_ = true;
    enterTcpMode(now);
    return;
  }
  proxyTrouble_ = failure;
  bool started = initReceived_ || initAckReceived_;
  // A wrong password stays wrong; an unreachable proxy before the call ever got through
  // means the settings are wrong. Either way, retrying only hides the cause.
  if (failure == ProxyFailure::AuthRefused || (failure == ProxyFailure::Unreachable && !started)) {
    fail(CallError::Proxy, now);
  }
}

void CallController::reportProxyFailure(ProxyFailure failure) {
  if (failure == reportedProxyFailure_) return;
  reportedProxyFailure_ = failure;
  JsNotifier::notify({handle_, EventKind::kProxyError, static_cast<int32_t>(failure), 0});
}

}  // namespace tgvoip
