// The time-driven half of CallController: state transitions, the handshake and
// liveness timers (§9.4, §9.7), the audio send clock, pings and relay selection
// (§11.4), loss-driven extra EC and bitrate (§12.3, §12.4), signal bars (§13).
#include <openssl/rand.h>

#include <algorithm>
#include <cmath>

#include "controller/call-controller.h"
#include "controller/server-config.h"
#include "engine/js-notifier.h"
#include "protocol/relay-control.h"
#include "protocol/stream-data.h"

namespace tgvoip {

using protocol::Bytes;
using protocol::PacketType;

namespace {
constexpr double kInitRetransmit = 0.5;
constexpr double kKeepAliveInterval = 0.2;  // something goes out at least this often
constexpr double kPingCheckInterval = 2.0;
constexpr double kPingInterval = 10.0;
constexpr double kFirstPingDelay = 1.0;
constexpr double kUdpPingInterval = 0.5;
constexpr double kPublicEndpointsInterval = 5.0;
constexpr int kPublicEndpointsRounds = 10;
constexpr double kStatsInterval = 0.1;
constexpr double kInflightSampleInterval = 0.1;
constexpr size_t kInflightHistory = 30;
constexpr double kLossCheckInterval = 1.0;
constexpr size_t kLossHistory = 10;

bool isMobile(int32_t type) {
  return type == kNetGprs || type == kNetEdge || type == kNet3g || type == kNetHspa || type == kNetLte ||
         type == kNetOtherMobile;
}
}  // namespace

const char* CallController::stateName(CallState state) {
  switch (state) {
    case CallState::WaitInit: return "WAIT_INIT";
    case CallState::WaitInitAck: return "WAIT_INIT_ACK";
    case CallState::Established: return "ESTABLISHED";
    case CallState::Failed: return "FAILED";
    case CallState::Reconnecting: return "RECONNECTING";
  }
  return "UNKNOWN";
}

void CallController::setState(CallState state, double now) {
  if (state == state_) return;
  state_ = state;
  if (state == CallState::Established && establishedAt_ < 0) {
    establishedAt_ = now;
    counters_.connectSeconds = now - connectAt_;
  }
  if (state == CallState::Reconnecting) {
    everReconnected_ = true;
    udpPingRounds_ = 0;  // connectivity is re-tested on entering RECONNECTING (§9.4)
  }
  lastDebugLogAt_ = -1e9;  // the debug log must show the new state at once
  publishStats(now);
  JsNotifier::notify({handle_, EventKind::kStateChanged, static_cast<int32_t>(state), static_cast<int32_t>(error_)});
}

void CallController::fail(CallError error, double now) {
  if (state_ == CallState::Failed) return;
  error_ = error;
  setState(CallState::Failed, now);
}

void CallController::maybeEstablish(double now) {
  if (state_ != CallState::WaitInitAck || !initAckReceived_) return;
  // Both halves of the handshake are done (or audio already flows): there is nothing
  // left to wait for, so unlike the reference we do not add a fixed 0.5-1.5 s delay.
  if (!initReceived_ && !streamDataReceived_) return;
  establish(now);
}

void CallController::establish(double now) {
  setState(CallState::Established, now);
  sender_->startClock(now);
  receiver_->startClock(now);
}

void CallController::onPlayout(double now) {
  if (!running_ || !audioFlows()) return;
  if (receiver_->tick(now, peerExtraEc_) && !audioReadyPending_.exchange(true)) {
    JsNotifier::notify({handle_, EventKind::kAudioReady, 0, 0});
  }
}

void CallController::onTick(double now) {
  if (!running_ || state_ == CallState::Failed) return;
  bool live = audioFlows();
  if (state_ == CallState::WaitInit || state_ == CallState::WaitInitAck) {
    if (!initAckReceived_ && now - connectAt_ >= config_.initTimeout) {
      fail(timeoutError(), now);
      return;
    }
    // 1.5 s after INIT_ACK without the peer's INIT or audio: established anyway (§9.2).
    if (initAckReceived_ && now - initAckAt_ >= ServerConfig::instance().get("established_delay_if_no_stream_data", 1.5)) {
      establish(now);
    } else if (now - lastInitAt_ >= kInitRetransmit) {
      sendInitRound(now);
    }
  }
  if (live) {
    double silent = now - lastRecvAt_;
    if (silent >= config_.recvTimeout) {
      if (current_->isRelay()) {
        fail(timeoutError(), now);
        return;
      }
      // Silent on P2P: back to the relay and start the clock again (§9.4).
      fallBackToRelay();
      for (CallEndpoint* endpoint : allEndpoints()) endpoint->rttHistory.fill(0);
      requestPublicEndpoints();
      protocol::NetworkChangedExtra changed;
      if (localDataSaving()) changed.flags |= protocol::kNetworkFlagDataSaving;
      pendingExtras_.queue(protocol::makeNetworkChangedExtra(changed));
      lastRecvAt_ = now;
    }
    if (state_ == CallState::Established && silent >= ServerConfig::instance().get("reconnecting_state_timeout", 2.0)) {
      setState(CallState::Reconnecting, now);
    }
    sendAudio(now);
    if (now - lastPingCheckAt_ >= kPingCheckInterval) {
      lastPingCheckAt_ = now;
      pingEndpoints(now);
    }
    if (now - lastInflightAt_ >= kInflightSampleInterval) {
      lastInflightAt_ = now;
      inflightHistory_.push_back(seqs_.inflightBytes(now));
      if (inflightHistory_.size() > kInflightHistory) inflightHistory_.erase(inflightHistory_.begin());
    }
    if (now - lastLossCheckAt_ >= kLossCheckInterval) {
      lastLossCheckAt_ = now;
      evaluateLossAndBitrate(now);
      updateSignalBars();
    }
  }
  serviceUdpProxy(now);
  if (state_ == CallState::Failed) return;
  sendUdpPings(now);
  evaluateUdp(now);
  serviceTcp(now);
  if (state_ == CallState::Failed) return;
  if (!tcpMode_ && wantsPublicEndpoints() && now - lastPublicEndpointsAt_ >= kPublicEndpointsInterval) {
    lastPublicEndpointsAt_ = now;
    publicEndpointsRounds_++;
    for (auto& relay : endpoints_) {
      uint8_t ipv4[4];
      if (!relay.address.ipv4(ipv4)) continue;  // PEER_INFO is IPv4-only: not asked over IPv6 (§10.3.3)
      Bytes request;
      protocol::encodePublicEndpointsRequest(relay.info.tag, request);
      sendRaw(request, relay);
    }
  }
  size_t wanted = inputSpaceWanted_.load();
  if (wanted > 0 && input_->freeSpace() >= wanted && inputSpaceWanted_.exchange(0) != 0) {
    JsNotifier::notify({handle_, EventKind::kInputSpace, 0, 0});
  }
  if (now - lastStatsAt_ >= kStatsInterval) publishStats(now);
}

bool CallController::wantsPublicEndpoints() const {
  return allowP2p_ && initAckReceived_ && !peerInfoReceived_ && publicEndpointsRounds_ < kPublicEndpointsRounds;
}

double CallController::nextDeadline(double now) const {
  constexpr double kNever = 1e18;
  if (!running_ || state_ == CallState::Failed) return kNever;
  // The handshake, the UDP verdict and TCP links have short retry loops of their own:
  // they keep the fixed tick, as does an input-space request that may already be met.
  if (state_ == CallState::WaitInit || state_ == CallState::WaitInitAck) return now;
  if (tcpMode_ || !udpEvaluated_) return now;
  if (proxy_ && !udpProxyReady()) return now;  // reopening the proxy's UDP association
  size_t wanted = inputSpaceWanted_.load();
  if (wanted > 0 && input_->freeSpace() >= wanted) return now;
  double next = lastStatsAt_ + kStatsInterval;
  auto until = [&next](double at) { next = std::min(next, at); };
  if (udpPingRounds_ < kUdpPingRounds) until(lastUdpPingAt_ + kUdpPingInterval);
  if (wantsPublicEndpoints()) until(lastPublicEndpointsAt_ + kPublicEndpointsInterval);
  auto& server = ServerConfig::instance();
  until(lastRecvAt_ + config_.recvTimeout);
  if (state_ == CallState::Established) until(lastRecvAt_ + server.get("reconnecting_state_timeout", 2.0));
  until(lastPingCheckAt_ + kPingCheckInterval);
  until(lastInflightAt_ + kInflightSampleInterval);
  until(lastLossCheckAt_ + kLossCheckInterval);
  if (unackedIncoming_ > server.getInt("unack_nop_threshold", 10)) return now;
  until(lastSendAt_ + kKeepAliveInterval);
  if (sender_) until(sender_->nextDeadline(now, micMuted_));
  if (receiver_) until(receiver_->nextDeadline(now));
  return next;
}

void CallController::sendAudio(double now) {
  CallEndpoint* to = current_;
  if (!to) return;
  if (micMuted_) {
    sender_->skip(now);
  } else {
    Bytes opusPacket;
    std::vector<Bytes> fec;
    uint32_t pts = 0;
    sender_->observe(now);
    while (sender_->due(now)) {
      sender_->adaptToEngineLoad(loop_.behindSchedule());
      if (!sender_->encodeNext(now, opusPacket, fec, pts)) continue;
      protocol::OutgoingStreamData record;
      record.pts = pts;
      record.data = opusPacket;
      for (const auto& entry : fec) record.fec.emplace_back(entry);
      Bytes body;
      if (protocol::encodeStreamData(record, body)) sendPacket(PacketType::StreamData, body, *to, now);
    }
  }
  // Keep the peer's liveness timer and acks fed while no audio goes out (§8.6).
  int nopThreshold = ServerConfig::instance().getInt("unack_nop_threshold", 10);
  if (now - lastSendAt_ >= kKeepAliveInterval || unackedIncoming_ > nopThreshold) {
    sendPacket(PacketType::Nop, protocol::ByteView(), *to, now);
  }
}

void CallController::sendUdpPings(double now) {
  if (tcpMode_ || udpPingRounds_ >= kUdpPingRounds || now - lastUdpPingAt_ < kUdpPingInterval) return;
  if (proxy_ && !udpProxyReady()) return;  // the rounds count from when UDP can get out
  lastUdpPingAt_ = now;
  udpPingRounds_++;
  for (auto& relay : endpoints_) {
    RAND_bytes(reinterpret_cast<unsigned char*>(&relay.udpPingQuery), sizeof(relay.udpPingQuery));
    relay.udpPingSentAt = now;
    Bytes ping;
    protocol::encodeUdpPing(relay.info.tag, relay.udpPingQuery, ping);
    sendRaw(ping, relay);
  }
}

void CallController::pingEndpoints(double now) {
  // Relay and P2P RTTs drive route selection; with one relay they still give the RTT stat.
  for (CallEndpoint* endpoint : allEndpoints()) {
    double due = endpoint->lastPingAt < 0 ? std::max(establishedAt_ + kFirstPingDelay, now) : endpoint->lastPingAt + kPingInterval;
    if (now >= due) sendPacket(PacketType::Ping, protocol::ByteView(), *endpoint, now);
  }
  selectRoute();
}

void CallController::evaluateLossAndBitrate(double now) {
  // Packets sent 1-2 s ago have had time to be acked; the unacked ones count as lost.
  double loss = seqs_.streamLossBetween(now - 2.0, now - 1.0);
  sendLossHistory_.push_back(loss);
  if (sendLossHistory_.size() > kLossHistory) sendLossHistory_.erase(sendLossHistory_.begin());
  double average = 0;
  for (double l : sendLossHistory_) average += l;
  average /= static_cast<double>(sendLossHistory_.size());
  counters_.sendLossRate = average;

  auto& server = ServerConfig::instance();
  double threshold = server.get("packet_loss_for_extra_ec", 0.02);
  bool slowNetwork = netType_ == kNetGprs || netType_ == kNetEdge;
  int level = 0;
  if (!slowNetwork && average > threshold) level = average > 0.08 ? 4 : average > 0.05 ? 3 : 2;
  if ((level > 0) != (sender_->extraEcLevel() > 0)) {
    sender_->setExtraEcLevel(level);
    queueStreamFlags();
    if (level > 0) everExtraEc_ = true;
  } else if (level > 0) {
    sender_->setExtraEcLevel(level);
  }
  sender_->setExpectedLoss(static_cast<int>(std::lround(average * 100)));
  // §13: the bytes in flight against the congestion window say whether the path keeps up.
  double cwnd = server.get("audio_congestion_window", 1024);
  double inflight = 0;
  for (size_t bytes : inflightHistory_) inflight += static_cast<double>(bytes);
  if (!inflightHistory_.empty()) inflight /= static_cast<double>(inflightHistory_.size());
  bool congested = inflight > cwnd + cwnd / 10;
  bool roomy = inflight < cwnd - cwnd / 10;
  if (level > 0) {
    sender_->setBitrate(server.getInt("audio_min_bitrate", 8000));
  } else if (average == 0 && roomy && sender_->bitrate() < maxBitrate_) {
    sender_->setBitrate(std::min(maxBitrate_, sender_->bitrate() + server.getInt("audio_bitrate_step_incr", 1000)));
  } else if (average > 0 || congested) {
    int floor = server.getInt("audio_min_bitrate", 8000);
    int step = server.getInt("audio_bitrate_step_decr", 1000);
    sender_->setBitrate(std::max(floor, sender_->bitrate() - step));
  }
  if (sender_->bitrate() > maxBitrate_) sender_->setBitrate(maxBitrate_);
}

void CallController::updateSignalBars() {
  int bars = 4;
  if (state_ == CallState::Reconnecting) bars = 1;
  double loss = receiver_->jitter().lossRate();
  if (loss > 0.10) bars = 1;
  else if (loss > 0.0625) bars = std::min(bars, 2);
  else if (loss > 0.025) bars = std::min(bars, 3);
  barsHistory_.push_back(bars);
  if (barsHistory_.size() > 4) barsHistory_.erase(barsHistory_.begin());
  double sum = 0;
  for (int b : barsHistory_) sum += b;
  int shown = static_cast<int>(std::lround(sum / static_cast<double>(barsHistory_.size())));
  if (shown != counters_.signalBars) {
    counters_.signalBars = shown;
    JsNotifier::notify({handle_, EventKind::kSignalBars, shown, 0});
  }
}

void CallController::queueStreamFlags() {
  protocol::StreamFlagsExtra flags;
  flags.streamId = protocol::kStreamIdAudio;
  if (!micMuted_) flags.flags |= protocol::kStreamFlagEnabled;
  if (sender_ && sender_->extraEcLevel() > 0) flags.flags |= protocol::kStreamFlagExtraEc;
  pendingExtras_.queue(protocol::makeStreamFlagsExtra(flags));
}

void CallController::setMicMute(bool muted) {
  if (muted == micMuted_) return;
  micMuted_ = muted;
  queueStreamFlags();
}

bool CallController::localDataSaving() const {
  return config_.dataSaving == kDataSavingAlways || (config_.dataSaving == kDataSavingMobile && isMobile(netType_));
}

void CallController::applyBitrateLimits() {
  auto& server = ServerConfig::instance();
  int init = server.getInt("audio_init_bitrate", 16000);
  int max = server.getInt("audio_max_bitrate", 20000);
  if (localDataSaving() || peerDataSaving_) {
    init = server.getInt("audio_init_bitrate_saving", 8000);
    max = server.getInt("audio_max_bitrate_saving", 8000);
  } else if (netType_ == kNetGprs) {
    init = server.getInt("audio_init_bitrate_gprs", 8000);
    max = server.getInt("audio_max_bitrate_gprs", 8000);
  } else if (netType_ == kNetEdge) {
    init = server.getInt("audio_init_bitrate_edge", 8000);
    max = server.getInt("audio_max_bitrate_edge", 16000);
  }
  if (debugMaxBitrate_ > 0) max = std::min(max, debugMaxBitrate_);
  maxBitrate_ = max;
  if (sender_) sender_->setBitrate(std::min(establishedAt_ < 0 ? init : sender_->bitrate(), max));
}

void CallController::setNetworkType(int32_t type) {
  bool changed = type != netType_;
  netType_ = type;
  applyBitrateLimits();
  if (changed && establishedAt_ >= 0) {
    protocol::NetworkChangedExtra extra;
    if (localDataSaving()) extra.flags |= protocol::kNetworkFlagDataSaving;
    pendingExtras_.queue(protocol::makeNetworkChangedExtra(extra));
  }
}

void CallController::debugCtl(int32_t request, int32_t param) {
  if (request == 1) {  // max bitrate
    debugMaxBitrate_ = param;
    applyBitrateLimits();
  } else if (request == 2 && sender_) {  // expected packet loss, percent
    sender_->setExpectedLoss(param);
  }
  // 3 (toggle P2P) and 4 (echo cancellation) have nothing to act on in this engine.
}

}  // namespace tgvoip
