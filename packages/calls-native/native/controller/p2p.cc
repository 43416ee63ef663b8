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

// Is `ip` one of this host's IPv6 addresses? Link-local ones never are: a relay cannot see them.
bool isLocalIpv6Address(const std::array<uint8_t, 16>& ip) {
  if (ip[0] == 0xFE && (ip[1] & 0xC0) == 0x80) return false;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return false;
  bool found = false;
  for (ifaddrs* entry = list; entry && !found; entry = entry->ifa_next) {
    if (!entry->ifa_addr || entry->ifa_addr->sa_family != AF_INET6) continue;
    const auto* address = reinterpret_cast<sockaddr_in6*>(entry->ifa_addr);
    found = std::memcmp(address->sin6_addr.s6_addr, ip.data(), ip.size()) == 0;
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
  all.reserve(active.size() + 3);
  for (auto& relay : active) all.push_back(&relay);
  if (p2pInet_) all.push_back(&*p2pInet_);
  if (p2pLan_) all.push_back(&*p2pLan_);
  if (p2pIpv6_) all.push_back(&*p2pIpv6_);
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

void CallController::offerIpv6Endpoint(const std::array<uint8_t, 16>& publicIp) {
  ipv6Works_ = true;
  if (!allowP2p_ || ipv6EndpointSent_ || !isLocalIpv6Address(publicIp)) return;
  // Our public IPv6 address is our own (no NAT in the way): the peer can send to it.
  ipv6EndpointSent_ = true;
  protocol::Ipv6EndpointExtra extra;
  extra.ipv6 = publicIp;
  extra.port = socket_.localPort();
  pendingExtras_.queue(protocol::makeIpv6EndpointExtra(extra));
}

void CallController::handleIpv6Endpoint(const protocol::Ipv6EndpointExtra& extra) {
  if (!allowP2p_) return;
  if (current_ && current_->kind == EndpointKind::P2pIpv6) fallBackToRelay();
  if (!p2pIpv6_) p2pIpv6_.emplace();
  CallEndpoint& endpoint = *p2pIpv6_;
  endpoint.kind = EndpointKind::P2pIpv6;
  endpoint.info.id = kP2pIpv6EndpointId;
  endpoint.address = SocketAddress{};
  endpoint.address.addr.sin6_family = AF_INET6;
  std::copy(extra.ipv6.begin(), extra.ipv6.end(), endpoint.address.addr.sin6_addr.s6_addr);
  endpoint.address.addr.sin6_port = htons(extra.port);
  endpoint.info.port = extra.port;
  endpoint.rttHistory.fill(0);
  endpoint.lastPingAt = -1e9;
  ipv6PathNew_ = ipv6Works_;
  maybeUseIpv6Path();
}

void CallController::maybeUseIpv6Path() {
  // A direct path over IPv6 needs no hole punching, so it is used at once (§11.1), but only
  // once the peer has acked our own IPV6_ENDPOINT: before that it drops what we send there
  // (an INIT_ACK lost that way stalls the handshake). §11.4 moves the call back if worse.
  if (!ipv6PathNew_ || !ipv6EndpointSent_ || pendingExtras_.pending(protocol::ExtraType::Ipv6Endpoint)) return;
  ipv6PathNew_ = false;
  if (current_ && current_->isRelay()) current_ = &*p2pIpv6_;
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
    } else if (better(p2pIpv6_)) {
      current_ = &*p2pIpv6_;
    } else if (better(p2pInet_)) {
      current_ = &*p2pInet_;
    }
  } else if (minPing > 0 && minPing < current_->averageRtt() * server.get("p2p_to_relay_switch_threshold", 0.6)) {
    fallBackToRelay();
  }
}

}  // namespace tgvoip
