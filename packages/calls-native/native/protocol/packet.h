#pragma once
// The decrypted packet's short header (§4.1, protocol >= 8):
//   type u8 | ack_id u32 | seq u32 | recent_mask u32 | xflags u8 | [extras] | [recv_ts u32] | body

#include <optional>
#include <vector>

#include "protocol/extras.h"

namespace tgvoip::protocol {

constexpr size_t kShortHeaderSize = 14;

struct PacketHeader {
  PacketType type = PacketType::Nop;  // may hold a value outside the enum (unknown type)
  uint32_t ackId = 0;
  uint32_t seq = 0;
  uint32_t recentMask = 0;
  std::vector<Extra> extras;
  /** Sent only with video (peer >= 9); audio senders leave it empty. */
  std::optional<uint32_t> recvTs;
};

struct Packet {
  PacketHeader header;
  /** Type-specific payload: a view into the buffer given to parsePacket. */
  ByteView body;
};

/** Parses a decrypted packet (header + body). `out.body` points into `packet`. */
ParseError parsePacket(ByteView packet, Packet& out);

/**
 * Appends header + body to `out` (xflags are derived from the extras and recvTs). False,
 * with nothing written, if the extras cannot be encoded (§6.1 limits).
 */
bool encodePacket(const PacketHeader& header, ByteView body, Bytes& out);

}  // namespace tgvoip::protocol
