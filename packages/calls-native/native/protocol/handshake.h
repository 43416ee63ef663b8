#pragma once
// Bodies of the handshake and liveness packets: INIT (§5.1), INIT_ACK (§5.2), PONG (§5.3).
// PING and NOP have empty bodies.

#include <optional>
#include <vector>

#include "protocol/bytes.h"
#include "protocol/constants.h"
#include "protocol/parse-error.h"

namespace tgvoip::protocol {

struct InitBody {
  int32_t protocolVersion = kProtocolVersion;
  int32_t minProtocolVersion = kMinProtocolVersion;
  uint32_t flags = 0;  // kInitFlag* bits
  std::vector<uint32_t> audioCodecs{kCodecOpus};
  std::vector<uint32_t> videoDecoders;
  uint8_t maxVideoResolution = 0;  // ignored unless video is negotiated (mobile may send junk)
};

/** The layer >= 92 form: version, min version, flags, codecs, video decoders, resolution. */
void encodeInit(const InitBody& init, Bytes& out);
/**
 * Version, min version and flags are required (Truncated otherwise). The lists after them
 * are read best-effort (1-byte codec ids for peers < 5), since peers differ there and the
 * reference ignores what it does not need.
 */
ParseError parseInit(ByteView body, InitBody& out);

struct StreamDescription {
  uint8_t id = kStreamIdAudio;
  uint8_t type = kStreamTypeAudio;
  uint32_t codec = kCodecOpus;
  int16_t frameDurationMs = kAudioFrameDurationMs;  // receivers assume 60 whatever it says
  bool enabled = true;
};

struct InitAckBody {
  int32_t protocolVersion = kProtocolVersion;
  int32_t minProtocolVersion = kMinProtocolVersion;
  std::vector<StreamDescription> streams{StreamDescription{}};
};

void encodeInitAck(const InitAckBody& initAck, Bytes& out);
/**
 * A body of 10 bytes or less means a version-1 peer with no streams (reference rule).
 * Codec ids are 1 byte for peers < 5. Truncated if a stream entry runs past the end.
 */
ParseError parseInitAck(ByteView body, InitAckBody& out);

/** The reference's check on INIT and INIT_ACK: false means fail with INCOMPATIBLE. */
constexpr bool isCompatiblePeer(int32_t version, int32_t minVersion) {
  return minVersion <= kProtocolVersion && version >= kMinProtocolVersion;
}

void encodePong(uint32_t pingSeq, Bytes& out);
/** The answered PING's seq, or nothing if the body is shorter than 4 bytes. */
std::optional<uint32_t> parsePong(ByteView body);

}  // namespace tgvoip::protocol
