#pragma once
// STREAM_DATA records (§7.1) with the optional extra-FEC block (§7.3).
//   stream_byte | len u8 or u16(+flags) | pts u32 | [frag idx, count] | data | [fec block]

#include <vector>

#include "protocol/bytes.h"
#include "protocol/constants.h"
#include "protocol/parse-error.h"

namespace tgvoip::protocol {

constexpr uint8_t kStreamByteIdMask = 0x3F;
constexpr uint8_t kStreamByteLen16 = 0x40;
constexpr uint8_t kStreamByteHasMoreFlags = 0x80;
constexpr uint16_t kLengthMask = 0x07FF;
constexpr uint16_t kLengthFlagExtraFec = 0x2000;
constexpr uint16_t kLengthFlagFragmented = 0x4000;
constexpr uint16_t kLengthFlagKeyframe = 0x8000;
constexpr size_t kMaxFecEntries = 4;
constexpr size_t kMaxFecEntrySize = 255;

/**
 * A low-bitrate copy of an earlier (or the current) frame. Check that it is a 60 ms Opus
 * packet (opus::Decoder::packetSamples == opus::kFrameSamples) before playing it:
 * libtgvoip 2.5 was recorded sending process memory instead of Opus here (captures/
 * relay-loss: 0 of 346 entries valid), so an unchecked copy plays noise.
 */
struct FecEntry {
  uint32_t pts = 0;
  ByteView data;
};

struct StreamDataRecord {
  uint8_t streamId = kStreamIdAudio;
  uint32_t pts = 0;
  ByteView data;  // audio: exactly one 60 ms Opus packet
  bool keyframe = false;
  bool fragmented = false;
  uint8_t fragmentIndex = 0;
  uint8_t fragmentCount = 0;
  /** Oldest first; the last entry covers `pts` itself. */
  std::vector<FecEntry> fec;
};

/**
 * Parses the body of STREAM_DATA (one record), STREAM_DATA_X2 (two) or X3 (three); any
 * other type is InvalidValue. Views point into `body`. On error `out` still holds every
 * record whose primary frame is complete (a malformed FEC block after a good frame keeps
 * that record, with the FEC entries read so far), so receivers can play what arrived.
 */
ParseError parseStreamData(PacketType type, ByteView body, std::vector<StreamDataRecord>& out);

/** What a sender puts in one STREAM_DATA body. */
struct OutgoingStreamData {
  uint8_t streamId = kStreamIdAudio;
  uint32_t pts = 0;
  ByteView data;
  /** Extra-FEC entries, oldest first, the last one being this frame (0..4 entries). */
  std::vector<ByteView> fec;
};

/**
 * Appends the record; u16 length when data > 255 bytes or FEC is attached, as the
 * reference does. False, with nothing written, if data > 2047 bytes, more than 4 FEC
 * entries, or an entry over 255 bytes.
 */
bool encodeStreamData(const OutgoingStreamData& record, Bytes& out);

}  // namespace tgvoip::protocol
