// Peer-to-peer part of CallController (spec §11): endpoints learnt from the relay's
// PEER_INFO and the peer's LAN_ENDPOINT extra, and the §11.4 choice between relays and
// P2P by PING round trip. All P2P traffic shares the call's one UDP socket.
#include <ifaddrs.h>
#include <netinet/in.h>

#include <cmath>
#include <cstring>

#include "controller/call-controller.h"
#include "controller/server-config.h"

namespace tgvoip {

namespace {

// The address to announce in a LAN_ENDPOINT extra (§6.4): an up, non-loopback,
// non-link-local IPv4 interface (the last one found, as the reference does).
std::optional<std::array<uint8_t, 4>> localLanAddress() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return std::nullopt;
  std::optional<std::array<uint8_t, 4>> found;
  for (ifaddrs* entry = list; entry; entry = entry->ifa_next) {
    if (!entry->ifa_addr || entry->ifa_addr->sa_family != AF_INET) continue;
    std::array<uint8_t, 4> ip{};
    std::memcpy(ip.data(), &reinterpret_cast<sockaddr_in*>(entry->ifa_addr)->sin_addr, 4);
    if (ip[0] == 127 || (ip[0] == 169 && ip[1] == 254)) continue;
    found = ip;
  }
  freeifaddrs(list);
  return found;
}

// Creates `slot` or updates it in place (references to it stay valid).
CallEndpoint& placeEndpoint(std::optional<CallEndpoint>& slot, EndpointKind kind, int64_t id,
                            const std::array<uint8_t, 4>& ip, int32_t port) {
  if (!slot) slot.emplace();
  slot->kind = kind;
  slot->info.id = id;
  slot->info.ip = ipv4String(ip);
  slot->info.port = static_cast<uint16_t>(port);
  SocketAddress::parse(slot->info.ip, slot->info.port, slot->address);
  return *slot;
}

}  // namespace

std::vector<CallEndpoint*> CallController::allEndpoints() {
  std::vector<CallEndpoint*> all;
  auto& active = relays();
  all.reserve(active.size() + 2);
  for (auto& relay : active) all.push_back(&relay);
  if (p2pInet_) all.push_back(&*p2pInet_);
  if (p2pLan_) all.push_back(&*p2pLan_);
  return all;
}

protocol::ByteView CallController::prefixFor(const CallEndpoint& endpoint) const {
  if (endpoint.isRelay()) return protocol::ByteView(endpoint.info.tag.data(), endpoint.info.tag.size());
  // P2P: no prefix once the peer is known to be v9, its call_id before (§3.2).
  if (peerVersion_ >= 9) return protocol::ByteView();
  return protocol::ByteView(callIdPrefix_.data(), callIdPrefix_.size());
}

void CallController::fallBackToRelay() {
  if (preferredIndex_ < relays().size()) current_ = &relays()[preferredIndex_];
}

void CallController::handlePeerInfo(const protocol::PeerInfo& info) {
  if (!allowP2p_ || peerInfoReceived_) return;
  peerInfoReceived_ = true;
  // A fresh PEER_INFO means addresses may have changed: restart from the relay (§10.3.4).
  if (current_ && !current_->isRelay()) fallBackToRelay();
  p2pLan_.reset();
  CallEndpoint& inet = placeEndpoint(p2pInet_, EndpointKind::P2pInet, kP2pInetEndpointId, info.peerIp, info.peerPort);
  inet.rttHistory.fill(0);
  inet.lastPingAt = -1e9;
  // Both behind one public address: tell the peer where we are on the local network.
  if (info.myIp == info.peerIp) {
    if (auto lan = localLanAddress()) {
      protocol::LanEndpointExtra extra;
      extra.ipv4 = *lan;
      extra.port = socket_.localPort();
      pendingExtras_.queue(protocol::makeLanEndpointExtra(extra));
    }
  }
}

void CallController::handleLanEndpoint(const protocol::LanEndpointExtra& lan) {
  if (!allowP2p_) return;
  if (current_ && current_->kind == EndpointKind::P2pLan) fallBackToRelay();
  CallEndpoint& endpoint = placeEndpoint(p2pLan_, EndpointKind::P2pLan, kP2pLanEndpointId, lan.ipv4, lan.port);
  endpoint.rttHistory.fill(0);
  endpoint.lastPingAt = -1e9;
}

void CallController::selectRoute() {
  // P2P and relay RTT switching apply to UDP only (§11.4).
  if (tcpMode_ || endpoints_.empty() || !current_) return;
  auto& server = ServerConfig::instance();
  // Relays: a candidate must beat the preferred relay's RTT by the threshold (§11.4).
  double minPing = endpoints_[preferredIndex_].averageRtt();
  if (minPing == 0) minPing = INFINITY;
  size_t candidate = preferredIndex_;
  double relayThreshold = server.get("relay_switch_threshold", 0.8);
  for (size_t i = 0; i < endpoints_.size(); i++) {
    double rtt = endpoints_[i].averageRtt();
    if (rtt > 0 && rtt < minPing * relayThreshold) {
      candidate = i;
      minPing = rtt;
    }
  }
  if (candidate != preferredIndex_) {
    preferredIndex_ = candidate;
    if (current_->isRelay()) current_ = &endpoints_[candidate];
  }
  if (current_->isRelay()) {
    double toP2p = server.get("relay_to_p2p_switch_threshold", 0.8);
    auto better = [&](const std::optional<CallEndpoint>& p2p) {
      double rtt = p2p ? p2p->averageRtt() : 0;
      return rtt > 0 && rtt < minPing * toP2p;
    };
    if (better(p2pLan_)) {
      current_ = &*p2pLan_;
    } else if (better(p2pInet_)) {
      current_ = &*p2pInet_;
    }
  } else if (minPing > 0 && minPing < current_->averageRtt() * server.get("p2p_to_relay_switch_threshold", 0.6)) {
    fallBackToRelay();
  }
}

}  // namespace tgvoip
