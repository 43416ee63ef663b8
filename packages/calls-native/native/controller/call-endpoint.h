// One endpoint of a call (spec §10.1): a UDP relay, or a peer-to-peer address learnt
// from the relay (§11.1), with its bookkeeping: PING/PONG RTT history (§5.3) and, for
// relays, UDP relay pings (§10.3.2).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "controller/call-types.h"
#include "engine/udp-socket.h"

namespace tgvoip {

enum class EndpointKind { UdpRelay, TcpRelay, P2pInet, P2pLan, P2pIpv6 };

// Local ids of the derived P2P endpoints (§10.1): never on the wire.
constexpr int64_t kP2pInetEndpointId = static_cast<int64_t>(0x50325034ULL << 32);  // 'P2P4'
// TCP copy of a UDP relay: the relay's id XOR 'TCP\0' << 32.
constexpr int64_t kTcpRelayIdMask = static_cast<int64_t>(0x54435000ULL << 32);
constexpr int64_t kP2pLanEndpointId = static_cast<int64_t>(0x4C414E34ULL << 32);   // 'LAN4'
constexpr int64_t kP2pIpv6EndpointId = static_cast<int64_t>(0x50325036ULL << 32);  // 'P2P6'

struct CallEndpoint {
  EndpointKind kind = EndpointKind::UdpRelay;
  EndpointInfo info;
  SocketAddress address;
  // A dual-stack relay's address in the family `address` is not in (its IPv6 one until the
  // call chooses). Until then both are tried and the family whose answer comes first is
  // kept (CallController::chooseFamily()); after, nothing is sent here but what comes from
  // it is taken: the relay forwards to the address it last saw us at, which may be our copy
  // on this family, until our next datagram on the kept one.
  std::optional<SocketAddress> otherFamily;

  // PING/PONG through this endpoint
  uint32_t lastPingSeq = 0;
  double lastPingAt = -1e9;
  std::array<double, 6> rttHistory{};
  size_t rttNext = 0;

  // UDP relay pings (SELF_INFO)
  uint64_t udpPingQuery = 0;
  double udpPingSentAt = 0;
  int udpPongs = 0;
  double selfRtt = -1;

  bool isRelay() const { return kind == EndpointKind::UdpRelay || kind == EndpointKind::TcpRelay; }

  void addRtt(double rtt) {
    rttHistory[rttNext] = rtt;
    rttNext = (rttNext + 1) % rttHistory.size();
  }
  // Mean of the non-zero samples, 0 if none (the reference's averageRTT).
  double averageRtt() const {
    double sum = 0;
    int count = 0;
    for (double r : rttHistory) {
      if (r > 0) {
        sum += r;
        count++;
      }
    }
    return count ? sum / count : 0;
  }
};

}  // namespace tgvoip
