// Values shared between the controller and the binding: states, errors, configuration
// and the statistics snapshot handed to JS.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/constants.h"

namespace tgvoip {

// Numeric values as the reference and pytgvoip expose them (spec §9.1).
enum class CallState : int32_t { WaitInit = 1, WaitInitAck = 2, Established = 3, Failed = 4, Reconnecting = 5 };
enum class CallError : int32_t { Unknown = 0, Incompatible = 1, Timeout = 2, AudioIo = 3, Proxy = 4 };

// Local network types (Appendix A) and data-saving modes.
enum NetType : int32_t { kNetUnknown = 0, kNetGprs = 1, kNetEdge = 2, kNet3g = 3, kNetHspa = 4, kNetLte = 5,
                         kNetWifi = 6, kNetEthernet = 7, kNetOtherHighSpeed = 8, kNetOtherLowSpeed = 9,
                         kNetDialup = 10, kNetOtherMobile = 11 };
enum DataSaving : int32_t { kDataSavingNever = 0, kDataSavingMobile = 1, kDataSavingAlways = 2 };

struct CallConfig {
  double initTimeout = 30;
  double recvTimeout = 20;
  int32_t dataSaving = kDataSavingNever;
};

struct EndpointInfo {
  int64_t id = 0;
  std::string ip;
  std::string ipv6;
  uint16_t port = 0;
  protocol::PeerTag tag{};
};

struct CallStats {
  CallState state = CallState::WaitInit;
  CallError error = CallError::Unknown;
  uint64_t bytesSent = 0;
  uint64_t bytesReceived = 0;
  uint64_t packetsSent = 0;
  uint64_t packetsReceived = 0;
  uint64_t packetsDropped = 0;  // did not authenticate, unknown source, malformed
  uint64_t packetsLost = 0;     // audio frames that never arrived in time
  uint64_t framesPrimary = 0;
  uint64_t framesExtraFec = 0;
  uint64_t framesInbandFec = 0;
  uint64_t framesConcealed = 0;
  uint64_t fecRejected = 0;
  uint64_t packetsLate = 0;        // audio that arrived after its playout time
  uint64_t framesSent = 0;         // 60 ms audio packets sent
  uint64_t sendUnderruns = 0;      // of those, sent as silence: no whole block was queued
  uint64_t staleBlocksDropped = 0; // live input only: 60 ms blocks dropped to cut delay
  uint64_t sendSlotsSkipped = 0;   // 60 ms slots skipped by an engine far behind its clock
  uint64_t reducedComplexityFrames = 0;  // encoded cheaper while the engine thread was behind
  double lossRate = 0;        // incoming audio, recent window
  double sendLossRate = 0;    // outgoing, from acks
  double rttMs = -1;          // current endpoint, from PING/PONG (or acks until then)
  double jitterDelayMs = 0;   // current jitter-buffer delay
  double jitterSpreadMs = 0;  // measured arrival spread (p95 - min)
  int32_t jitterPackets = 0;  // delay in whole 60 ms packets (rounded up)
  int32_t bitrate = 0;
  int32_t extraEcLevel = 0;
  int32_t signalBars = 4;
  int32_t peerVersion = 0;
  uint32_t peerCapabilities = 0;
  int64_t preferredRelayId = 0;
  int64_t currentEndpointId = 0;
  double connectSeconds = -1;   // connect() to ESTABLISHED
  double establishedAt = -1;    // monotonic seconds
  double udpRelayRttMs = -1;    // relay SELF_INFO round trip
  std::string publicAddress;    // as the relay saw us (SELF_INFO)
  bool needRate = false;
  uint16_t localPort = 0;  // our UDP socket
};

}  // namespace tgvoip
