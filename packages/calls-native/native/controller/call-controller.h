// One call: the per-call state machine of spec §9 (WAIT_INIT -> WAIT_INIT_ACK ->
// ESTABLISHED <-> RECONNECTING -> FAILED), packet handling (§4-§8), relay control
// (§10.3) and relay selection (§11.4), audio in and out. Everything except the
// thread-safe accessors runs on the call's own engine thread; the binding posts work to it.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "controller/audio-receiver.h"
#include "controller/audio-sender.h"
#include "controller/call-types.h"
#include "controller/call-endpoint.h"
#include "controller/seq-tracker.h"
#include "engine/event-loop.h"
#include "engine/spsc-ring.h"
#include "engine/tcp-link.h"
#include "engine/udp-association.h"
#include "engine/udp-socket.h"
#include "protocol/datagram.h"
#include "protocol/extra-reliability.h"
#include "protocol/packet.h"
#include "protocol/relay-control.h"

namespace tgvoip {

class CallController : public IoHandler, public Ticker {
 public:
  static constexpr size_t kRingSamples = 48000;  // 1 s each way

  // `loop` runs this call for its whole life (the binding holds the thread for it).
  CallController(uint32_t handle, EngineLoop& loop);
  ~CallController() override;

  // --- engine thread ---
  void configure(const CallConfig& config) { config_ = config; }
  void setKey(const protocol::CallKey& key, bool isOutgoing);
  void setEndpoints(std::vector<EndpointInfo> endpoints, bool allowP2p, bool forceTcp);
  // Before connect(): every relay is reached through this SOCKS5 proxy, and P2P is off.
  void setProxy(const ProxyConfig& proxy);
  void connect();
  void setMicMute(bool muted);
  void setLiveInput(bool live) {
    liveInput_ = live;
    if (sender_) sender_->setLiveInput(live);
  }
  void setNetworkType(int32_t type);
  void debugCtl(int32_t request, int32_t param);
  void shutdown();

  void onReadable(int fd) override;
  void onPlayout(double now) override;
  void onTick(double now) override;
  double nextDeadline(double now) const override;

  // --- any thread ---
  const std::shared_ptr<SpscRing>& input() const { return input_; }
  const std::shared_ptr<SpscRing>& output() const { return output_; }
  CallStats stats() const;
  std::string debugLogJson() const;
  // JS wants an InputSpace event once at least `freeSamples` can be written.
  void armInputSpace(size_t freeSamples);
  // JS drained the output ring; the next PCM written must notify again.
  void clearAudioReady() { audioReadyPending_.store(false); }
  static const char* stateName(CallState state);

 private:
  // packet I/O (call-controller.cc)
  void handleDatagram(const uint8_t* data, size_t size, const SocketAddress& from, double now);
  void handleDatagramFrom(CallEndpoint& endpoint, const uint8_t* data, size_t size, double now);
  // A dual-stack relay answered over `ipv6` (or IPv4) first: every relay keeps that family.
  void chooseFamily(bool ipv6);
  bool sendUdp(const protocol::Bytes& datagram, const SocketAddress& to);
  void handleRelayControl(CallEndpoint& relay, protocol::ByteView datagram, double now);
  void handlePacket(CallEndpoint& from, const protocol::Packet& packet, double now);
  void handleExtra(const protocol::Extra& extra);
  void handleInit(CallEndpoint& from, const protocol::Packet& packet, double now);
  void handleInitAck(const protocol::Packet& packet, double now);
  void handleStreamData(const protocol::Packet& packet, double now);
  // Stamps the next seq, our acks and the pending extras on `body` into `packet`.
  bool encodeNextPacket(protocol::PacketType type, protocol::ByteView body, uint32_t& seq, protocol::Bytes& packet);
  void sendPacket(protocol::PacketType type, protocol::ByteView body, CallEndpoint& to, double now);
  void sendInitRound(double now);
  void sendRaw(const protocol::Bytes& datagram, CallEndpoint& to);

  // peer-to-peer (p2p.cc)
  void handlePeerInfo(const protocol::PeerInfo& info);
  void handleLanEndpoint(const protocol::LanEndpointExtra& lan);
  void handleIpv6Endpoint(const protocol::Ipv6EndpointExtra& extra);
  // SELF_INFO through a relay reached over IPv6: offer the peer a direct IPv6 path (§6.4).
  void offerIpv6Endpoint(const std::array<uint8_t, 16>& publicIp);
  void maybeUseIpv6Path();
  void fallBackToRelay();
  void requestPublicEndpoints() {
    peerInfoReceived_ = false;
    publicEndpointsRounds_ = 0;
    lastPublicEndpointsAt_ = -1e9;
  }
  void selectRoute();
  std::vector<CallEndpoint*> allEndpoints();
  // The relays in use: the UDP ones, or their TCP copies once UDP proved unusable.
  std::vector<CallEndpoint>& relays() { return tcpMode_ ? tcpRelays_ : endpoints_; }

  // TCP fallback (tcp-fallback.cc)
  void evaluateUdp(double now);
  void enterTcpMode(double now);
  void serviceTcp(double now);
  void receiveTcp(size_t index, double now);
  void sendTcp(const protocol::Bytes& datagram, CallEndpoint& to);
  protocol::ByteView prefixFor(const CallEndpoint& endpoint) const;

  // SOCKS5 proxy (proxy.cc)
  // Every second at most, the UDP association is reopened after a loss.
  void serviceUdpProxy(double now);
  bool udpProxyReady() const { return udpProxy_ && udpProxy_->ready(); }
  void closeUdpProxy();
  // A TCP link or the association failed because of the proxy.
  void onProxyFailure(ProxyFailure failure, double now);
  void reportProxyFailure(ProxyFailure failure);
  // The error a call that times out fails with: the proxy's, if it is the known cause.
  CallError timeoutError() const { return proxyTrouble_ != ProxyFailure::None ? CallError::Proxy : CallError::Timeout; }

  // timers and state (call-timers.cc)
  // Rounds of UDP relay pings (§10.3.2); the UDP-or-TCP verdict waits for all of them.
  static constexpr int kUdpPingRounds = 4;
  void setState(CallState state, double now);
  void fail(CallError error, double now);
  void maybeEstablish(double now);
  // ESTABLISHED: the send and playout clocks start now.
  void establish(double now);
  void sendAudio(double now);
  void sendUdpPings(double now);
  // Still asking the relays for PEER_INFO: P2P allowed, INIT_ACK in, rounds left.
  bool wantsPublicEndpoints() const;
  // Established or reconnecting: audio is sent and played.
  bool audioFlows() const { return state_ == CallState::Established || state_ == CallState::Reconnecting; }
  void pingEndpoints(double now);
  void evaluateLossAndBitrate(double now);
  void updateSignalBars();
  void queueStreamFlags();
  void applyBitrateLimits();
  bool localDataSaving() const;

  // snapshot (call-stats.cc)
  void publishStats(double now);

  CallEndpoint* findEndpoint(const SocketAddress& address);

  const uint32_t handle_;
  EngineLoop& loop_;
  CallConfig config_;
  std::unique_ptr<protocol::DatagramCipher> cipher_;
  std::vector<CallEndpoint> endpoints_;  // the relays, fixed once connected
  size_t preferredIndex_ = 0;
  // Peer-to-peer endpoints (§11.1), updated in place so references stay valid.
  std::vector<CallEndpoint> tcpRelays_;  // created all at once on entering TCP mode
  std::vector<std::unique_ptr<TcpLink>> tcpLinks_;  // parallel to tcpRelays_
  std::vector<double> tcpReconnectAt_;
  bool tcpMode_ = false;
  bool forceTcp_ = false;
  bool udpEvaluated_ = false;
  std::optional<CallEndpoint> p2pInet_;
  std::optional<CallEndpoint> p2pLan_;
  std::optional<CallEndpoint> p2pIpv6_;
  bool familyChosen_ = false;  // dual-stack relays: one family kept (chooseFamily())
  bool ipv6Works_ = false;  // a relay answered over IPv6
  bool ipv6EndpointSent_ = false;
  bool ipv6PathNew_ = false;  // the peer's IPv6 endpoint arrived and is not in use yet
  CallEndpoint* current_ = nullptr;  // a relay or a P2P endpoint
  std::array<uint8_t, 16> callIdPrefix_{};  // P2P prefix for peers < 9 (§3.2)
  bool allowP2p_ = false;
  int32_t netType_ = kNetUnknown;

  UdpSocket socket_;
  std::optional<ProxyConfig> proxy_;
  std::unique_ptr<UdpAssociation> udpProxy_;
  double udpProxyRetryAt_ = 0;
  bool proxyRefusesUdp_ = false;
  // The proxy's last failure, until it works again; and the last one JS heard about.
  ProxyFailure proxyTrouble_ = ProxyFailure::None;
  ProxyFailure reportedProxyFailure_ = ProxyFailure::None;
  bool running_ = false;
  CallState state_ = CallState::WaitInit;
  CallError error_ = CallError::Unknown;

  SeqTracker seqs_;
  protocol::PendingExtras pendingExtras_;
  protocol::ExtraDeduplicator extraDedup_;
  std::shared_ptr<SpscRing> input_;
  std::shared_ptr<SpscRing> output_;
  std::unique_ptr<AudioSender> sender_;
  std::unique_ptr<AudioReceiver> receiver_;

  // handshake
  bool initReceived_ = false;
  bool initAckReceived_ = false;
  bool streamDataReceived_ = false;
  int32_t peerVersion_ = 0;
  uint32_t peerInitFlags_ = 0;
  bool peerAudioEnabled_ = true;
  bool peerExtraEc_ = false;
  bool peerDataSaving_ = false;

  // timers (monotonic seconds)
  double connectAt_ = 0;
  double lastInitAt_ = 0;
  double initAckAt_ = 0;
  double lastRecvAt_ = 0;
  double lastSendAt_ = 0;
  double establishedAt_ = -1;
  double lastPingCheckAt_ = 0;
  double lastLossCheckAt_ = 0;
  double lastStatsAt_ = 0;
  double lastDebugLogAt_ = -1e9;
  double lastUdpPingAt_ = 0;
  int udpPingRounds_ = 0;
  double lastPublicEndpointsAt_ = 0;
  int publicEndpointsRounds_ = 0;
  bool peerInfoReceived_ = false;
  int unackedIncoming_ = 0;

  // audio and quality
  bool micMuted_ = false;
  bool liveInput_ = false;
  int maxBitrate_ = 20000;
  int debugMaxBitrate_ = 0;
  std::vector<double> sendLossHistory_;
  std::vector<size_t> inflightHistory_;  // §13: sampled every 0.1 s, last 30
  double lastInflightAt_ = 0;
  std::vector<int> barsHistory_;
  bool everReconnected_ = false;
  bool everExtraEc_ = false;

  // stats counters (engine thread) and the published snapshot (any thread)
  CallStats counters_;
  mutable std::mutex snapshotMutex_;
  CallStats snapshot_;
  std::string debugLog_;  // written on the engine thread only, under snapshotMutex_

  std::atomic<bool> audioReadyPending_{false};
  std::atomic<size_t> inputSpaceWanted_{0};
};

}  // namespace tgvoip
