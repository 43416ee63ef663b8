// One relay endpoint (spec §10.1) with its per-endpoint bookkeeping: PING/PONG RTT
// history (§5.3) and UDP relay pings (§10.3.2).
#pragma once

#include <array>
#include <cstdint>

#include "controller/call-types.h"
#include "engine/udp-socket.h"

namespace tgvoip {

struct RelayEndpoint {
  EndpointInfo info;
  SocketAddress address;

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
