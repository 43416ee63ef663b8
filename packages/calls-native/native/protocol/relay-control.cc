#include "protocol/relay-control.h"

#include <cstring>

#include "protocol/byte-reader.h"
#include "protocol/byte-writer.h"

namespace tgvoip::protocol {
namespace {

constexpr size_t kMarkerOffset = kPeerTagSize;
constexpr size_t kMarkerSize = 12;
constexpr size_t kSelfInfoBodySize = 32;  // reference minimum after the TL id
constexpr size_t kPeerInfoBodySize = 16;

void writeMarker(const PeerTag& tag, Bytes& out) {
  ByteWriter(out).bytes(tag.data(), tag.size()).fill(0xFF, kMarkerSize);
}

}  // namespace

const char* relayControlKindName(RelayControlKind kind) {
  switch (kind) {
    case RelayControlKind::UdpPing: return "udp_ping";
    case RelayControlKind::PublicEndpointsRequest: return "public_endpoints_request";
    case RelayControlKind::SelfInfo: return "self_info";
    case RelayControlKind::PeerInfo: return "peer_info";
    case RelayControlKind::Unknown: return "unknown";
  }
  return "unknown";
}

bool isRelayControl(ByteView datagram) {
  if (datagram.size < kRelayControlHeaderSize) return false;
  for (size_t i = 0; i < kMarkerSize; i++) {
    if (datagram.data[kMarkerOffset + i] != 0xFF) return false;
  }
  return true;
}

std::optional<RelayControlPacket> parseRelayControl(ByteView datagram) {
  if (!isRelayControl(datagram)) return std::nullopt;
  RelayControlPacket out;
  ByteReader reader(datagram);
  reader.copy(out.tag.data(), out.tag.size());
  reader.skip(kMarkerSize);
  reader.u32(out.code);
  const int32_t request = static_cast<int32_t>(out.code);
  if (request == kRelayRequestPublicEndpoints) {
    out.kind = RelayControlKind::PublicEndpointsRequest;
  } else if (request == kRelayRequestUdpPing) {
    if (reader.u64(out.queryId)) out.kind = RelayControlKind::UdpPing;
  } else if (out.code == kRelaySelfInfoId && reader.remaining() >= kSelfInfoBodySize) {
    SelfInfo info;
    reader.i32(info.date);
    reader.u64(info.queryId);
    reader.copy(info.ip.data(), info.ip.size());
    reader.i32(info.port);
    out.queryId = info.queryId;
    out.selfInfo = info;
    out.kind = RelayControlKind::SelfInfo;
  } else if (out.code == kRelayPeerInfoId && reader.remaining() >= kPeerInfoBodySize) {
    PeerInfo info;
    reader.copy(info.myIp.data(), info.myIp.size());
    reader.i32(info.myPort);
    reader.copy(info.peerIp.data(), info.peerIp.size());
    reader.i32(info.peerPort);
    out.peerInfo = info;
    out.kind = RelayControlKind::PeerInfo;
  }
  return out;
}

void encodeUdpPing(const PeerTag& tag, uint64_t queryId, Bytes& out) {
  writeMarker(tag, out);
  ByteWriter(out).i32(kRelayRequestUdpPing).u64(queryId);
}

void encodePublicEndpointsRequest(const PeerTag& tag, Bytes& out) {
  writeMarker(tag, out);
  ByteWriter(out).i32(kRelayRequestPublicEndpoints);
}

void encodeSelfInfoReply(const PeerTag& tag, const SelfInfo& info, Bytes& out) {
  writeMarker(tag, out);
  ByteWriter(out)
      .u32(kRelaySelfInfoId)
      .i32(info.date)
      .u64(info.queryId)
      .bytes(info.ip.data(), info.ip.size())
      .i32(info.port);
}

void encodePeerInfoReply(const PeerTag& tag, const PeerInfo& info, Bytes& out) {
  writeMarker(tag, out);
  ByteWriter(out)
      .u32(kRelayPeerInfoId)
      .bytes(info.myIp.data(), info.myIp.size())
      .i32(info.myPort)
      .bytes(info.peerIp.data(), info.peerIp.size())
      .i32(info.peerPort);
}

std::optional<std::array<uint8_t, 4>> ipv4FromMapped(const std::array<uint8_t, 16>& ip) {
  static const uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(ip.data(), kMappedPrefix, sizeof(kMappedPrefix)) != 0) return std::nullopt;
  return std::array<uint8_t, 4>{ip[12], ip[13], ip[14], ip[15]};
}

}  // namespace tgvoip::protocol
