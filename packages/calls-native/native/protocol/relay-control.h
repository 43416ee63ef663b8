#pragma once
// Unencrypted relay control datagrams (§10.3): tag(16) | FF x12 | i32 code or u32 TL id | ...

#include <optional>

#include "protocol/bytes.h"
#include "protocol/constants.h"

namespace tgvoip::protocol {

constexpr int32_t kRelayRequestPublicEndpoints = -1;  // "peer info request": FF x16 after the tag
constexpr int32_t kRelayRequestUdpPing = -2;          // "self info request"
constexpr uint32_t kRelaySelfInfoId = 0xC01572C7;
constexpr uint32_t kRelayPeerInfoId = 0x27D9371C;
constexpr uint32_t kRelayPeerInfoIpv6Id = 0x83FC73B1;
constexpr size_t kRelayControlHeaderSize = 32;  // tag + FF x12 + code

enum class RelayControlKind {
  UdpPing,                 // client -> relay, 40 bytes
  PublicEndpointsRequest,  // client -> relay, 32 bytes
  SelfInfo,                // relay -> client, 64 bytes
  PeerInfo,                // relay -> client, 48 bytes
  Unknown,                 // well-formed marker, unknown code or too short a reply: ignore
};
const char* relayControlKindName(RelayControlKind kind);

struct SelfInfo {
  int32_t date = 0;
  uint64_t queryId = 0;  // the 8 query_id bytes read as LE
  /** The client's public address as the relay saw it; IPv4 is IPv4-mapped (::ffff:a.b.c.d). */
  std::array<uint8_t, 16> ip{};
  int32_t port = 0;
};

struct PeerInfo {
  std::array<uint8_t, 4> myIp{};  // network order
  int32_t myPort = 0;
  std::array<uint8_t, 4> peerIp{};
  int32_t peerPort = 0;
};

struct RelayControlPacket {
  RelayControlKind kind = RelayControlKind::Unknown;
  PeerTag tag{};
  uint32_t code = 0;     // the raw i32 request code / TL id at offset 28
  uint64_t queryId = 0;  // UdpPing
  std::optional<SelfInfo> selfInfo;
  std::optional<PeerInfo> peerInfo;
};

/** True iff the datagram has a tag followed by 12 x 0xFF and a 4-byte code (>= 32 bytes). */
bool isRelayControl(ByteView datagram);
/** Nothing if `isRelayControl` is false; otherwise the parsed packet (maybe Unknown). */
std::optional<RelayControlPacket> parseRelayControl(ByteView datagram);

void encodeUdpPing(const PeerTag& tag, uint64_t queryId, Bytes& out);
void encodePublicEndpointsRequest(const PeerTag& tag, Bytes& out);
void encodeSelfInfoReply(const PeerTag& tag, const SelfInfo& info, Bytes& out);
void encodePeerInfoReply(const PeerTag& tag, const PeerInfo& info, Bytes& out);

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) -> a.b.c.d; nothing for other addresses. */
std::optional<std::array<uint8_t, 4>> ipv4FromMapped(const std::array<uint8_t, 16>& ip);

}  // namespace tgvoip::protocol
