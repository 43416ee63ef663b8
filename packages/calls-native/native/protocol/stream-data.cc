#include "protocol/stream-data.h"

#include "protocol/byte-reader.h"
#include "protocol/byte-writer.h"

namespace tgvoip::protocol {
namespace {

constexpr uint32_t kFecPtsStep = kAudioFrameDurationMs;

int recordCountFor(PacketType type) {
  switch (type) {
    case PacketType::StreamData: return 1;
    case PacketType::StreamDataX2: return 2;
    case PacketType::StreamDataX3: return 3;
    default: return 0;
  }
}

ParseError parseFecBlock(ByteReader& reader, StreamDataRecord& record) {
  uint8_t count;
  if (!reader.u8(count)) return ParseError::Truncated;
  if (count > kMaxFecEntries) return ParseError::InvalidValue;
  for (uint8_t j = 0; j < count; j++) {
    uint8_t length;
    FecEntry entry;
    if (!reader.u8(length) || !reader.view(length, entry.data)) return ParseError::Truncated;
    // Entry j covers pts - (count - 1 - j) * 60: oldest first, the last one is this frame.
    entry.pts = record.pts - static_cast<uint32_t>(count - 1 - j) * kFecPtsStep;
    record.fec.push_back(entry);
  }
  return ParseError::None;
}

ParseError parseRecord(ByteReader& reader, StreamDataRecord& record) {
  uint8_t streamByte;
  if (!reader.u8(streamByte)) return ParseError::Truncated;
  record.streamId = streamByte & kStreamByteIdMask;
  size_t length;
  bool extraFec = false;
  if (streamByte & kStreamByteLen16) {
    uint16_t field;
    if (!reader.u16(field)) return ParseError::Truncated;
    length = field & kLengthMask;
    record.keyframe = (field & kLengthFlagKeyframe) != 0;
    record.fragmented = (field & kLengthFlagFragmented) != 0;
    extraFec = (field & kLengthFlagExtraFec) != 0;
  } else {
    uint8_t field;
    if (!reader.u8(field)) return ParseError::Truncated;
    length = field;
  }
  if (!reader.u32(record.pts)) return ParseError::Truncated;
  if (record.fragmented &&
      (!reader.u8(record.fragmentIndex) || !reader.u8(record.fragmentCount))) {
    return ParseError::Truncated;
  }
  if (!reader.view(length, record.data)) return ParseError::Truncated;
  return extraFec ? parseFecBlock(reader, record) : ParseError::None;
}

bool primaryComplete(const StreamDataRecord& record) { return record.data.data != nullptr; }

}  // namespace

ParseError parseStreamData(PacketType type, ByteView body, std::vector<StreamDataRecord>& out) {
  out.clear();
  const int count = recordCountFor(type);
  if (count == 0) return ParseError::InvalidValue;
  ByteReader reader(body);
  for (int i = 0; i < count; i++) {
    StreamDataRecord record;
    const ParseError error = parseRecord(reader, record);
    // A bad FEC block does not spoil the primary frame before it: keep the record.
    if (error == ParseError::None || primaryComplete(record)) out.push_back(std::move(record));
    if (error != ParseError::None) return error;
  }
  return ParseError::None;
}

bool encodeStreamData(const OutgoingStreamData& record, Bytes& out) {
  if (record.data.size > kLengthMask || record.fec.size() > kMaxFecEntries) return false;
  for (const ByteView& entry : record.fec) {
    if (entry.size > kMaxFecEntrySize) return false;
  }
  const uint8_t streamId = record.streamId & kStreamByteIdMask;
  const bool hasFec = !record.fec.empty();
  ByteWriter writer(out);
  if (record.data.size > 0xFF || hasFec) {
    uint16_t field = static_cast<uint16_t>(record.data.size);
    if (hasFec) field |= kLengthFlagExtraFec;
    writer.u8(streamId | kStreamByteLen16).u16(field);
  } else {
    writer.u8(streamId).u8(static_cast<uint8_t>(record.data.size));
  }
  writer.u32(record.pts).bytes(record.data);
  if (hasFec) {
    writer.u8(static_cast<uint8_t>(record.fec.size()));
    for (const ByteView& entry : record.fec) writer.u8(static_cast<uint8_t>(entry.size)).bytes(entry);
  }
  return true;
}

}  // namespace tgvoip::protocol
