#include "protocol/handshake.h"

#include "protocol/byte-reader.h"
#include "protocol/byte-writer.h"

namespace tgvoip::protocol {
namespace {

// Peers older than 5 used 1-byte codec ids (§1.2).
constexpr int32_t kFirstVersionWithFourCc = 5;
// INIT_ACK bodies of 10 bytes or less come from version-1 peers (§5.2).
constexpr size_t kMaxVersionOneInitAck = 10;

bool readCodec(ByteReader& reader, bool fourCc, uint32_t& codec) {
  if (fourCc) return reader.u32(codec);
  uint8_t oldId;
  if (!reader.u8(oldId)) return false;
  codec = oldId;
  return true;
}

}  // namespace

void encodeInit(const InitBody& init, Bytes& out) {
  ByteWriter writer(out);
  writer.i32(init.protocolVersion).i32(init.minProtocolVersion).u32(init.flags);
  writer.u8(static_cast<uint8_t>(init.audioCodecs.size()));
  for (uint32_t codec : init.audioCodecs) writer.u32(codec);
  writer.u8(static_cast<uint8_t>(init.videoDecoders.size()));
  for (uint32_t decoder : init.videoDecoders) writer.u32(decoder);
  writer.u8(init.maxVideoResolution);
}

ParseError parseInit(ByteView body, InitBody& out) {
  out = InitBody{};
  out.audioCodecs.clear();
  ByteReader reader(body);
  if (!reader.i32(out.protocolVersion) || !reader.i32(out.minProtocolVersion) ||
      !reader.u32(out.flags)) {
    return ParseError::Truncated;
  }
  // Best effort from here: the reference skips what it does not use.
  const bool fourCc = out.protocolVersion >= kFirstVersionWithFourCc;
  uint8_t count;
  if (!reader.u8(count)) return ParseError::None;
  for (uint8_t i = 0; i < count; i++) {
    uint32_t codec;
    if (!readCodec(reader, fourCc, codec)) return ParseError::None;
    out.audioCodecs.push_back(codec);
  }
  if (!reader.u8(count)) return ParseError::None;
  for (uint8_t i = 0; i < count; i++) {
    uint32_t decoder;
    if (!reader.u32(decoder)) return ParseError::None;
    out.videoDecoders.push_back(decoder);
  }
  reader.u8(out.maxVideoResolution);
  return ParseError::None;
}

void encodeInitAck(const InitAckBody& initAck, Bytes& out) {
  ByteWriter writer(out);
  writer.i32(initAck.protocolVersion).i32(initAck.minProtocolVersion);
  writer.u8(static_cast<uint8_t>(initAck.streams.size()));
  for (const StreamDescription& stream : initAck.streams) {
    writer.u8(stream.id).u8(stream.type).u32(stream.codec).i16(stream.frameDurationMs);
    writer.u8(stream.enabled ? 1 : 0);
  }
}

ParseError parseInitAck(ByteView body, InitAckBody& out) {
  out = InitAckBody{};
  out.streams.clear();
  if (body.size <= kMaxVersionOneInitAck) {
    out.protocolVersion = 1;
    out.minProtocolVersion = 1;
    return ParseError::None;
  }
  ByteReader reader(body);
  uint8_t count;
  if (!reader.i32(out.protocolVersion) || !reader.i32(out.minProtocolVersion) ||
      !reader.u8(count)) {
    return ParseError::Truncated;
  }
  const bool fourCc = out.protocolVersion >= kFirstVersionWithFourCc;
  for (uint8_t i = 0; i < count; i++) {
    StreamDescription stream;
    uint8_t enabled;
    if (!reader.u8(stream.id) || !reader.u8(stream.type) ||
        !readCodec(reader, fourCc, stream.codec) || !reader.i16(stream.frameDurationMs) ||
        !reader.u8(enabled)) {
      return ParseError::Truncated;
    }
    stream.enabled = enabled != 0;
    out.streams.push_back(stream);
  }
  return ParseError::None;
}

void encodePong(uint32_t pingSeq, Bytes& out) { ByteWriter(out).u32(pingSeq); }

std::optional<uint32_t> parsePong(ByteView body) {
  ByteReader reader(body);
  uint32_t seq;
  if (!reader.u32(seq)) return std::nullopt;
  return seq;
}

}  // namespace tgvoip::protocol
