// The published side of CallController: a snapshot of counters that JS may read at
// any time without touching engine-thread state, and the JSON debug log.
#include <cmath>
#include <sstream>

#include "controller/call-controller.h"
#include "controller/server-config.h"

namespace tgvoip {

void CallController::publishStats(double now) {
  lastStatsAt_ = now;
  CallStats s = counters_;
  s.state = state_;
  s.error = error_;
  s.peerVersion = peerVersion_;
  s.peerCapabilities = peerInitFlags_;
  s.establishedAt = establishedAt_;
  s.localPort = socket_.localPort();
  if (!endpoints_.empty()) {
    // phone.discardCall wants the id Telegram gave out, not the TCP copy's local id.
    s.preferredRelayId = endpoints_[preferredIndex_].info.id;
    s.currentEndpointId = current_->info.id;
    double rtt = current_->averageRtt();
    if (rtt <= 0) rtt = seqs_.averageAckRtt();
    s.rttMs = rtt > 0 ? rtt * 1000 : -1;
    double self = endpoints_[preferredIndex_].selfRtt;
    s.udpRelayRttMs = self > 0 ? self * 1000 : -1;
  }
  if (receiver_) {
    const auto& jitter = receiver_->jitter();
    const auto& c = receiver_->counters();
    s.packetsLost = jitter.lostCount();
    s.lossRate = jitter.lossRate();
    s.jitterDelayMs = jitter.started() ? jitter.delay() * 1000 : 0;
    s.jitterSpreadMs = jitter.jitterSpread() * 1000;
    s.jitterPackets = jitter.started() ? std::max(1, static_cast<int32_t>(std::ceil(jitter.delay() / protocol::kAudioFrameSeconds - 1e-9))) : 0;
    s.framesPrimary = c.primary;
    s.framesExtraFec = c.extraFec;
    s.framesInbandFec = c.inbandFec;
    s.framesConcealed = c.concealed;
    s.fecRejected = c.fecRejected;
    s.packetsLate = jitter.lateCount();
  }
  if (sender_) {
    s.bitrate = sender_->bitrate();
    s.extraEcLevel = sender_->extraEcLevel();
    s.framesSent = sender_->framesEncoded();
    s.sendUnderruns = sender_->underrunBlocks();
    s.staleBlocksDropped = sender_->staleBlocksDropped();
    s.sendSlotsSkipped = sender_->slotsSkipped();
    s.reducedComplexityFrames = sender_->reducedComplexityFrames();
  }
  // Rating is asked for only when the server enables it (bad_call_rating, §14); the
  // rate_flags bits select which events count: 1 extra EC, 8 reconnecting.
  auto& server = ServerConfig::instance();
  if (server.get("bad_call_rating", 0) != 0) {
    uint32_t flags = static_cast<uint32_t>(server.get("rate_flags", 4294967295.0));
    s.needRate = ((flags & 1) && everExtraEc_) || ((flags & 8) && everReconnected_) ||
                 (s.rttMs > server.get("rate_min_rtt", 0.6) * 1000) ||
                 (s.sendLossRate > server.get("rate_min_send_loss", 0.2));
  }
  // The JSON debug log is built less often than the counters are copied: it is the
  // costly part of publishing and nobody reads it ten times a second.
  if (now - lastDebugLogAt_ < 1.0 && !debugLog_.empty()) {
    std::lock_guard<std::mutex> lock(snapshotMutex_);
    snapshot_ = std::move(s);
    return;
  }
  lastDebugLogAt_ = now;
  std::ostringstream log;
  log << "{\"state\":\"" << stateName(s.state) << "\",\"error\":" << static_cast<int>(s.error)
      << ",\"peer_version\":" << s.peerVersion << ",\"connect_s\":" << s.connectSeconds
      << ",\"bytes_sent\":" << s.bytesSent << ",\"bytes_recvd\":" << s.bytesReceived
      << ",\"packets_sent\":" << s.packetsSent << ",\"packets_recvd\":" << s.packetsReceived
      << ",\"packets_dropped\":" << s.packetsDropped << ",\"audio_lost\":" << s.packetsLost
      << ",\"frames\":{\"primary\":" << s.framesPrimary << ",\"extra_fec\":" << s.framesExtraFec
      << ",\"inband_fec\":" << s.framesInbandFec << ",\"concealed\":" << s.framesConcealed << ",\"fec_rejected\":" << s.fecRejected << "}"
      << ",\"send_loss\":" << s.sendLossRate << ",\"recv_loss\":" << s.lossRate << ",\"rtt_ms\":" << s.rttMs
      << ",\"jitter_delay_ms\":" << s.jitterDelayMs << ",\"bitrate\":" << s.bitrate
      << ",\"extra_ec_level\":" << s.extraEcLevel << ",\"signal_bars\":" << s.signalBars
      << ",\"preferred_relay\":\"" << s.preferredRelayId << "\",\"public_address\":\"" << s.publicAddress
      << "\",\"relays\":[";
  auto all = allEndpoints();
  for (size_t i = 0; i < all.size(); i++) {
    const auto& e = *all[i];
    const char* kind = e.kind == EndpointKind::UdpRelay   ? "relay"
                       : e.kind == EndpointKind::TcpRelay ? "tcp_relay"
                       : e.kind == EndpointKind::P2pInet  ? "p2p"
                       : e.kind == EndpointKind::P2pIpv6  ? "p2p6"
                                                          : "lan";
    log << (i ? "," : "") << "{\"kind\":\"" << kind << "\",\"id\":\"" << e.info.id << "\",\"addr\":\"" << e.address.toString()
        << "\",\"rtt_ms\":" << e.averageRtt() * 1000 << ",\"udp_pongs\":" << e.udpPongs
        << ",\"self_rtt_ms\":" << (e.selfRtt > 0 ? e.selfRtt * 1000 : -1) << "}";
  }
  log << "]}";
  std::lock_guard<std::mutex> lock(snapshotMutex_);
  snapshot_ = std::move(s);
  debugLog_ = log.str();
}

CallStats CallController::stats() const {
  std::lock_guard<std::mutex> lock(snapshotMutex_);
  return snapshot_;
}

std::string CallController::debugLogJson() const {
  std::lock_guard<std::mutex> lock(snapshotMutex_);
  return debugLog_.empty() ? "{}" : debugLog_;
}

}  // namespace tgvoip
