#include "controller/call-controller.h"

#include <utility>

#include "controller/server-config.h"
#include "engine/js-notifier.h"
#include "protocol/handshake.h"
#include "protocol/relay-control.h"
#include "protocol/seq.h"
#include "protocol/stream-data.h"

namespace tgvoip {

using protocol::ByteView;
using protocol::Bytes;
using protocol::PacketType;

namespace {
constexpr size_t kMaxDatagram = 2048;
constexpr int kReadBatch = 64;
}  // namespace

CallController::CallController(uint32_t handle, EngineLoop& loop)
    : handle_(handle),
      loop_(loop),
      input_(std::make_shared<SpscRing>(kRingSamples)),
      output_(std::make_shared<SpscRing>(kRingSamples)) {}

CallController::~CallController() = default;

void CallController::setKey(const protocol::CallKey& key, bool isOutgoing) {
  if (running_) return;
  cipher_ = std::make_unique<protocol::DatagramCipher>(key, isOutgoing);
  callIdPrefix_ = protocol::callId(key);
}

void CallController::setEndpoints(std::vector<EndpointInfo> endpoints, bool allowP2p, bool forceTcp) {
  if (running_) return;  // endpoints are fixed once connected (the binding's caller enforces it too)
  endpoints_.clear();
  for (auto& info : endpoints) {
    CallEndpoint relay;
    relay.info = std::move(info);
    // JS validated the addresses: at least one is there. With both, the family is chosen
    // by which one answers first (§10.1).
    SocketAddress ipv6;
    bool hasIpv6 = !relay.info.ipv6.empty() && SocketAddress::parse(relay.info.ipv6, relay.info.port, ipv6);
    if (!SocketAddress::parse(relay.info.ip, relay.info.port, relay.address)) {
      relay.address = ipv6;
    } else if (hasIpv6) {
      relay.otherFamily = ipv6;
    }
    endpoints_.push_back(std::move(relay));
  }
  // The first endpoint is both current and preferred (§10.1).
  preferredIndex_ = 0;
  current_ = endpoints_.empty() ? nullptr : &endpoints_[0];
  allowP2p_ = allowP2p;
  forceTcp_ = forceTcp;
}

void CallController::connect() {
  if (running_ || state_ == CallState::Failed) return;
  double now = EngineLoop::now();
  if (!cipher_ || endpoints_.empty() || !socket_.open()) {
    fail(CallError::Unknown, now);
    return;
  }
  running_ = true;
  loop_.watch(socket_.fd(), this);
  loop_.addTicker(this);
  JitterConfig jitter;
  auto& server = ServerConfig::instance();
  jitter.initialDelay = server.get("jitter_initial_delay_60", 2) * protocol::kAudioFrameSeconds;
  jitter.maxDelay = server.get("jitter_max_delay_60", 10) * protocol::kAudioFrameSeconds;
  jitter.maxSlots = static_cast<size_t>(server.getInt("jitter_max_slots_60", 20));
  jitter.lossesToReset = server.getInt("jitter_losses_to_reset", 20);
  receiver_ = std::make_unique<AudioReceiver>(output_, jitter);
  sender_ = std::make_unique<AudioSender>(input_, server.getInt("audio_init_bitrate", 16000), &loop_.sendSlots());
  sender_->setLiveInput(liveInput_);
  applyBitrateLimits();
  connectAt_ = lastRecvAt_ = now;
  if (proxy_) allowP2p_ = false;
  // WAIT_INIT_ACK first: a proxy that fails at once fails the call from there.
  setState(CallState::WaitInitAck, now);
  if (forceTcp_ || ServerConfig::instance().get("force_tcp", 0) != 0) {
    enterTcpMode(now);
  } else {
    serviceUdpProxy(now);
    sendUdpPings(now);
    sendInitRound(now);
  }
  publishStats(now);
}

void CallController::shutdown() {
  if (running_) {
    loop_.unwatch(socket_.fd());
    for (auto& link : tcpLinks_) {
      if (link) loop_.unwatch(link->fd());
    }
    closeUdpProxy();
    loop_.removeTicker(this);
    if (sender_) sender_->releaseClock();
  }
  tcpLinks_.clear();
  running_ = false;
  socket_.close();
}

CallEndpoint* CallController::findEndpoint(const SocketAddress& address) {
  // Runs for every datagram: the allEndpoints() order, without building its list.
  for (CallEndpoint& relay : relays()) {
    if (relay.address == address || (relay.otherFamily && *relay.otherFamily == address)) return &relay;
  }
  if (p2pInet_ && p2pInet_->address == address) return &*p2pInet_;
  if (p2pLan_ && p2pLan_->address == address) return &*p2pLan_;
  if (p2pIpv6_ && p2pIpv6_->address == address) return &*p2pIpv6_;
  return nullptr;
}

void CallController::onReadable(int fd) {
  uint8_t buffer[kMaxDatagram];
  double now = EngineLoop::now();
  if (udpProxy_ && fd == udpProxy_->controlFd()) {
    udpProxy_->receiveControl();
    serviceUdpProxy(now);  // a closed control connection is handled now, not polled
  } else if (fd != socket_.fd()) {
    for (size_t i = 0; i < tcpLinks_.size(); i++) {
      if (tcpLinks_[i] && tcpLinks_[i]->fd() == fd) receiveTcp(i, now);
    }
  } else {
    for (int i = 0; i < kReadBatch && running_; i++) {
      SocketAddress from;
      long size = socket_.receive(buffer, sizeof(buffer), from);
      if (size < 0) break;
      handleDatagram(buffer, static_cast<size_t>(size), from, now);
    }
  }
  // A packet may have made work due sooner (first audio to play, an ack to send).
  if (running_) loop_.wakeBy(nextDeadline(now));
}

void CallController::handleDatagram(const uint8_t* data, size_t size, const SocketAddress& source, double now) {
  SocketAddress from = source;
  if (proxy_) {
    // Through a proxy, only its relay may send to us; the header names the real sender.
    ByteView payload;
    if (!udpProxy_ || !udpProxy_->unwrap(ByteView(data, size), source, from, payload)) {
      counters_.packetsDropped++;
      return;
    }
    data = payload.data;
    size = payload.size;
  }
  CallEndpoint* endpoint = findEndpoint(from);
  if (!endpoint || endpoint->kind == EndpointKind::TcpRelay) {
    counters_.packetsDropped++;
    return;
  }
  const auto& tag = endpoint->info.tag;
  if (!familyChosen_ && endpoint->otherFamily && size >= tag.size() && std::equal(tag.begin(), tag.end(), data)) {
    chooseFamily(*endpoint->otherFamily == from);
  }
  handleDatagramFrom(*endpoint, data, size, now);
}

void CallController::chooseFamily(bool ipv6) {
  familyChosen_ = true;
  if (!ipv6) return;
  for (CallEndpoint& relay : endpoints_) {
    if (relay.otherFamily) std::swap(relay.address, *relay.otherFamily);
  }
}

void CallController::handleDatagramFrom(CallEndpoint& from, const uint8_t* data, size_t size, double now) {
  ByteView datagram(data, size);
  if (from.isRelay()) {
    // Only datagrams that start with our own tag for this relay (§3.2, §10.2).
    const auto& tag = from.info.tag;
    if (size < tag.size() || !std::equal(tag.begin(), tag.end(), data)) {
      counters_.packetsDropped++;
      return;
    }
    if (protocol::isRelayControl(datagram)) {
      handleRelayControl(from, datagram, now);
      return;
    }
  }
  Bytes plain;
  if (state_ == CallState::Failed || cipher_->open(datagram, prefixFor(from), plain) != protocol::DatagramError::None) {
    counters_.packetsDropped++;
    return;
  }
  // A datagram that authenticates is valid: it feeds liveness even if its body is odd.
  lastRecvAt_ = now;
  if (proxyTrouble_ != ProxyFailure::None) {
    proxyTrouble_ = ProxyFailure::None;  // the proxy carries the call again
    reportedProxyFailure_ = ProxyFailure::None;
  }
  counters_.bytesReceived += size;
  counters_.packetsReceived++;
  if (state_ == CallState::Reconnecting) setState(CallState::Established, now);
  protocol::Packet packet;
  if (protocol::parsePacket(plain, packet) != protocol::ParseError::None) {
    counters_.packetsDropped++;
    return;
  }
  handlePacket(from, packet, now);
}

void CallController::handleRelayControl(CallEndpoint& relay, ByteView datagram, double now) {
  auto control = protocol::parseRelayControl(datagram);
  if (!control) return;
  if (control->kind == protocol::RelayControlKind::SelfInfo && control->selfInfo) {
    relay.udpPongs++;
    if (control->selfInfo->queryId == relay.udpPingQuery && relay.udpPingSentAt > 0) {
      relay.selfRtt = now - relay.udpPingSentAt;
    }
    SocketAddress seen;
    seen.addr.sin6_family = AF_INET6;
    std::copy(control->selfInfo->ip.begin(), control->selfInfo->ip.end(), seen.addr.sin6_addr.s6_addr);
    seen.addr.sin6_port = htons(static_cast<uint16_t>(control->selfInfo->port));
    counters_.publicAddress = seen.toString();
    uint8_t v4[4];
    if (!relay.address.ipv4(v4)) offerIpv6Endpoint(control->selfInfo->ip);
  } else if (control->kind == protocol::RelayControlKind::PeerInfo && control->peerInfo) {
    handlePeerInfo(*control->peerInfo);
  }
}

void CallController::handlePacket(CallEndpoint& from, const protocol::Packet& packet, double now) {
  const auto& header = packet.header;
  if (!seqs_.acceptIncoming(header.seq)) return;  // duplicate or too late (§8.3)
  unackedIncoming_++;
  if (seqs_.onAck(header.ackId, header.recentMask, now)) {
    pendingExtras_.onAck(header.ackId);
    maybeUseIpv6Path();
  }
  // On P2P but the peer stopped acking while it still reaches us through a relay: its
  // address probably changed, so go back to that relay (§11.3).
  if (current_ && !current_->isRelay() && from.isRelay() &&
      protocol::seqNewer(seqs_.lastSentSeq() - 32, seqs_.lastRemoteAckSeq())) {
    current_ = &from;
    requestPublicEndpoints();
  }
  for (const auto& extra : header.extras) {
    if (extraDedup_.accept(extra)) handleExtra(extra);
  }
  switch (header.type) {
    case PacketType::Init:
      handleInit(from, packet, now);
      break;
    case PacketType::InitAck:
      handleInitAck(packet, now);
      break;
    case PacketType::StreamData:
    case PacketType::StreamDataX2:
    case PacketType::StreamDataX3:
      handleStreamData(packet, now);
      break;
    case PacketType::Ping: {
      Bytes body;
      protocol::encodePong(header.seq, body);
      sendPacket(PacketType::Pong, body, from, now);
      break;
    }
    case PacketType::Pong: {
      auto pingSeq = protocol::parsePong(packet.body);
      if (pingSeq && *pingSeq == from.lastPingSeq && from.lastPingAt > 0) from.addRtt(now - from.lastPingAt);
      break;
    }
    default:
      break;  // NOP and unknown types: the header (acks, extras) was all they carried
  }
}

void CallController::handleExtra(const protocol::Extra& extra) {
  if (auto flags = protocol::decodeStreamFlagsExtra(extra)) {
    if (flags->streamId != protocol::kStreamIdAudio) return;
    peerAudioEnabled_ = (flags->flags & protocol::kStreamFlagEnabled) != 0;
    peerExtraEc_ = (flags->flags & protocol::kStreamFlagExtraEc) != 0;
    if (receiver_) receiver_->setPeerEnabled(peerAudioEnabled_);
  } else if (auto changed = protocol::decodeNetworkChangedExtra(extra)) {
    peerDataSaving_ = (changed->flags & protocol::kNetworkFlagDataSaving) != 0;
    applyBitrateLimits();
    if (current_ && !current_->isRelay()) fallBackToRelay();
    if (allowP2p_) requestPublicEndpoints();
    for (CallEndpoint* endpoint : allEndpoints()) endpoint->rttHistory.fill(0);
  } else if (auto lan = protocol::decodeLanEndpointExtra(extra)) {
    handleLanEndpoint(*lan);
  } else if (auto ipv6 = protocol::decodeIpv6EndpointExtra(extra)) {
    handleIpv6Endpoint(*ipv6);
  }
}

void CallController::handleInit(CallEndpoint& from, const protocol::Packet& packet, double now) {
  protocol::InitBody init;
  if (protocol::parseInit(packet.body, init) != protocol::ParseError::None) return;
  if (!protocol::isCompatiblePeer(init.protocolVersion, init.minProtocolVersion)) {
    fail(CallError::Incompatible, now);
    return;
  }
  bool first = !initReceived_;
  if (first) {
    initReceived_ = true;
    if (peerVersion_ == 0) peerVersion_ = init.protocolVersion;
    peerInitFlags_ = init.flags;
    peerDataSaving_ = (init.flags & protocol::kInitFlagDataSaving) != 0;
    applyBitrateLimits();
  }
  protocol::InitAckBody ack;
  ack.streams[0].enabled = !micMuted_;
  Bytes body;
  protocol::encodeInitAck(ack, body);
  sendPacket(PacketType::InitAck, body, *current_, now);
  if (first) {
    // The relay our INIT arrived through is the one that works (§5.1). A direct path the
    // same packet announced (an IPV6_ENDPOINT extra) stays current.
    auto& active = relays();
    for (size_t i = 0; i < active.size(); i++) {
      if (&active[i] == &from) {
        if (!current_ || current_->isRelay()) current_ = &active[i];
        preferredIndex_ = i;
      }
    }
    // The peer is up only now, so a relay that did not know it yet may have dropped our
    // INIT: resend at once instead of waiting for the 0.5 s retransmission.
    if (!initAckReceived_) sendInitRound(now);
  }
  maybeEstablish(now);
}

void CallController::handleInitAck(const protocol::Packet& packet, double now) {
  if (initAckReceived_) return;  // only the first INIT_ACK counts (§5.2)
  protocol::InitAckBody ack;
  if (protocol::parseInitAck(packet.body, ack) != protocol::ParseError::None) return;
  if (!protocol::isCompatiblePeer(ack.protocolVersion, ack.minProtocolVersion)) {
    fail(CallError::Incompatible, now);
    return;
  }
  initAckReceived_ = true;
  initAckAt_ = now;
  peerVersion_ = ack.protocolVersion;
  for (const auto& stream : ack.streams) {
    if (stream.type == protocol::kStreamTypeAudio && stream.id == protocol::kStreamIdAudio) {
      peerAudioEnabled_ = stream.enabled;
      receiver_->setPeerEnabled(stream.enabled);
    }
  }
  maybeEstablish(now);
}

void CallController::handleStreamData(const protocol::Packet& packet, double now) {
  if (!initAckReceived_) return;  // no incoming stream exists before INIT_ACK
  std::vector<protocol::StreamDataRecord> records;
  protocol::parseStreamData(packet.header.type, packet.body, records);  // keeps complete records on error
  for (const auto& record : records) {
    if (record.streamId != protocol::kStreamIdAudio) continue;
    receiver_->onPacket(record.pts, record.data, now);
    if (!record.fec.empty()) receiver_->onFecBlock(record.pts, record.fec);
  }
  if (!records.empty() && !streamDataReceived_) {
    streamDataReceived_ = true;
    maybeEstablish(now);
  }
}

bool CallController::encodeNextPacket(PacketType type, ByteView body, uint32_t& seq, Bytes& packet) {
  protocol::PacketHeader header;
  header.type = type;
  header.seq = seq = seqs_.nextSeq();
  header.ackId = seqs_.lastRemoteSeq();
  header.recentMask = seqs_.recentMask();
  header.extras = pendingExtras_.takeForPacket(header.seq);
  return protocol::encodePacket(header, body, packet);
}

void CallController::sendPacket(PacketType type, ByteView body, CallEndpoint& to, double now) {
  uint32_t seq = 0;
  Bytes packet;
  if (!encodeNextPacket(type, body, seq, packet)) return;
  Bytes datagram;
  if (cipher_->seal(packet, prefixFor(to), datagram) != protocol::DatagramError::None) return;
  sendRaw(datagram, to);
  seqs_.recordSent(seq, type, datagram.size(), now);
  unackedIncoming_ = 0;
  lastSendAt_ = now;
  if (type == PacketType::Ping) {
    to.lastPingSeq = seq;
    to.lastPingAt = now;
  }
}

void CallController::sendInitRound(double now) {
  protocol::InitBody init;
  if (localDataSaving()) init.flags |= protocol::kInitFlagDataSaving;
  Bytes body;
  protocol::encodeInit(init, body);
  // One INIT round uses a single seq for every endpoint (§8.1).
  uint32_t seq = 0;
  Bytes packet;
  if (!encodeNextPacket(PacketType::Init, body, seq, packet)) return;
  for (CallEndpoint* endpoint : allEndpoints()) {
    Bytes datagram;
    if (cipher_->seal(packet, prefixFor(*endpoint), datagram) == protocol::DatagramError::None) {
      sendRaw(datagram, *endpoint);
    }
  }
  seqs_.recordSent(seq, PacketType::Init, packet.size(), now);
  lastInitAt_ = lastSendAt_ = now;
}

void CallController::sendRaw(const Bytes& datagram, CallEndpoint& to) {
  if (to.kind == EndpointKind::TcpRelay) {
    sendTcp(datagram, to);
    return;
  }
  bool sent = sendUdp(datagram, to.address);
  // Until the call has chosen a family, a dual-stack relay is tried on both.
  if (!familyChosen_ && to.otherFamily) sent = sendUdp(datagram, *to.otherFamily) || sent;
  if (sent) {
    counters_.bytesSent += datagram.size();
    counters_.packetsSent++;
  }
}

bool CallController::sendUdp(const Bytes& datagram, const SocketAddress& to) {
  if (proxy_) return udpProxy_ && udpProxy_->send(socket_, datagram, to);
  return socket_.sendTo(datagram.data(), datagram.size(), to);
}

void CallController::armInputSpace(size_t freeSamples) {
  inputSpaceWanted_.store(freeSamples);
  // Already met: the engine may be asleep until its next frame, so wake it to say so now.
  if (input_->freeSpace() >= freeSamples) loop_.post([] {});
}

}  // namespace tgvoip
