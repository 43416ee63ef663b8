#pragma once
// Wire constants of libtgvoip protocol 9 (spec Appendix A). Values only, no logic.

#include <array>
#include <cstddef>
#include <cstdint>

namespace tgvoip::protocol {

constexpr int32_t kProtocolVersion = 9;
constexpr int32_t kMinProtocolVersion = 3;
constexpr int kConnectionMaxLayer = 92;

constexpr uint32_t kCodecOpus = 0x4F505553;  // 'OPUS', bytes 53 55 50 4F on the wire
constexpr uint8_t kStreamIdAudio = 1;
constexpr uint8_t kStreamTypeAudio = 1;
constexpr uint8_t kStreamTypeVideo = 2;
constexpr int16_t kAudioFrameDurationMs = 60;
constexpr double kAudioFrameSeconds = kAudioFrameDurationMs / 1000.0;

/** Short-header packet types (§5). Unknown values are carried as-is. */
enum class PacketType : uint8_t {
  Init = 1,
  InitAck = 2,
  StreamState = 3,
  StreamData = 4,
  UpdateStreams = 5,
  Ping = 6,
  Pong = 7,
  StreamDataX2 = 8,
  StreamDataX3 = 9,
  LanEndpoint = 10,
  NetworkChanged = 11,
  SwitchPrefRelay = 12,
  SwitchToP2p = 13,
  Nop = 14,
  StreamEc = 17,
};

/** Header xflags (§4.1). */
constexpr uint8_t kXflagHasExtra = 0x01;
constexpr uint8_t kXflagHasRecvTs = 0x02;

/** Extra types (§6.3). */
enum class ExtraType : uint8_t {
  StreamFlags = 1,
  StreamCsd = 2,
  LanEndpoint = 3,
  NetworkChanged = 4,
  GroupCallKey = 5,
  RequestGroup = 6,
  Ipv6Endpoint = 7,
};

/** STREAM_FLAGS bits (§6.3). */
constexpr uint32_t kStreamFlagEnabled = 1;
constexpr uint32_t kStreamFlagDtx = 2;
constexpr uint32_t kStreamFlagExtraEc = 4;
constexpr uint32_t kStreamFlagPaused = 8;

/** INIT flags (§5.1). */
constexpr uint32_t kInitFlagDataSaving = 1;
constexpr uint32_t kInitFlagGroupCalls = 2;
constexpr uint32_t kInitFlagVideoSend = 4;
constexpr uint32_t kInitFlagVideoRecv = 8;

/** NETWORK_CHANGED flags (§6.3). */
constexpr uint32_t kNetworkFlagDataSaving = 1;

/** Outer-layer limits (§3.3). */
constexpr size_t kPeerTagSize = 16;
constexpr size_t kMsgKeySize = 16;
constexpr size_t kMaxCiphertextSize = 1500;

using PeerTag = std::array<uint8_t, kPeerTagSize>;

}  // namespace tgvoip::protocol
