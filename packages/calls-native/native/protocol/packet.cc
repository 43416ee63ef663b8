#include "protocol/packet.h"

#include "protocol/byte-writer.h"

namespace tgvoip::protocol {

ParseError parsePacket(ByteView packet, Packet& out) {
  out = Packet{};
  ByteReader reader(packet);
  uint8_t type, xflags;
  if (!reader.u8(type) || !reader.u32(out.header.ackId) || !reader.u32(out.header.seq) ||
      !reader.u32(out.header.recentMask) || !reader.u8(xflags)) {
    return ParseError::Truncated;
  }
  out.header.type = static_cast<PacketType>(type);
  if (xflags & kXflagHasExtra) {
    const ParseError error = parseExtras(reader, out.header.extras);
    if (error != ParseError::None) return error;
  }
  if (xflags & kXflagHasRecvTs) {
    uint32_t recvTs;
    if (!reader.u32(recvTs)) return ParseError::Truncated;
    out.header.recvTs = recvTs;
  }
  out.body = reader.rest();
  return ParseError::None;
}

bool encodePacket(const PacketHeader& header, ByteView body, Bytes& out) {
  const size_t start = out.size();
  uint8_t xflags = 0;
  if (!header.extras.empty()) xflags |= kXflagHasExtra;
  if (header.recvTs) xflags |= kXflagHasRecvTs;
  ByteWriter writer(out);
  writer.u8(static_cast<uint8_t>(header.type))
      .u32(header.ackId)
      .u32(header.seq)
      .u32(header.recentMask)
      .u8(xflags);
  if (!header.extras.empty() && !encodeExtras(header.extras, out)) {
    out.resize(start);
    return false;
  }
  if (header.recvTs) writer.u32(*header.recvTs);
  writer.bytes(body);
  return true;
}

}  // namespace tgvoip::protocol
