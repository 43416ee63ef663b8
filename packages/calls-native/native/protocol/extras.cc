#include "protocol/extras.h"

#include "protocol/byte-writer.h"

namespace tgvoip::protocol {
namespace {

Extra makeExtra(ExtraType type, Bytes payload) {
  Extra extra;
  extra.type = static_cast<uint8_t>(type);
  extra.payload = std::move(payload);
  return extra;
}

bool isType(const Extra& extra, ExtraType type) { return extra.type == static_cast<uint8_t>(type); }

}  // namespace

ParseError parseExtras(ByteReader& reader, std::vector<Extra>& out) {
  uint8_t count;
  if (!reader.u8(count)) return ParseError::Truncated;
  out.reserve(out.size() + count);
  for (uint8_t i = 0; i < count; i++) {
    uint8_t length;
    if (!reader.u8(length)) return ParseError::Truncated;
    if (length == 0) return ParseError::InvalidValue;  // the length counts the type byte
    Extra extra;
    ByteView payload;
    if (!reader.u8(extra.type) || !reader.view(length - 1u, payload)) return ParseError::Truncated;
    extra.payload = payload.toBytes();
    out.push_back(std::move(extra));
  }
  return ParseError::None;
}

bool encodeExtras(const std::vector<Extra>& extras, Bytes& out) {
  if (extras.size() > kMaxExtraCount) return false;
  for (const Extra& extra : extras) {
    if (extra.payload.size() > kMaxExtraPayload) return false;
  }
  ByteWriter writer(out);
  writer.u8(static_cast<uint8_t>(extras.size()));
  for (const Extra& extra : extras) {
    writer.u8(static_cast<uint8_t>(extra.payload.size() + 1)).u8(extra.type).bytes(extra.payload);
  }
  return true;
}

Extra makeStreamFlagsExtra(const StreamFlagsExtra& value) {
  Bytes payload;
  ByteWriter(payload).u8(value.streamId).u32(value.flags);
  return makeExtra(ExtraType::StreamFlags, std::move(payload));
}

Extra makeLanEndpointExtra(const LanEndpointExtra& value) {
  Bytes payload;
  ByteWriter(payload).bytes(value.ipv4.data(), value.ipv4.size()).i32(value.port);
  return makeExtra(ExtraType::LanEndpoint, std::move(payload));
}

Extra makeNetworkChangedExtra(const NetworkChangedExtra& value) {
  Bytes payload;
  ByteWriter(payload).u32(value.flags);
  return makeExtra(ExtraType::NetworkChanged, std::move(payload));
}

Extra makeIpv6EndpointExtra(const Ipv6EndpointExtra& value) {
  Bytes payload;
  ByteWriter(payload).bytes(value.ipv6.data(), value.ipv6.size()).u16(value.port);
  return makeExtra(ExtraType::Ipv6Endpoint, std::move(payload));
}

std::optional<StreamFlagsExtra> decodeStreamFlagsExtra(const Extra& extra) {
  if (!isType(extra, ExtraType::StreamFlags)) return std::nullopt;
  ByteReader reader(extra.payload);
  StreamFlagsExtra out;
  if (!reader.u8(out.streamId) || !reader.u32(out.flags)) return std::nullopt;
  return out;
}

std::optional<StreamCsdExtra> decodeStreamCsdExtra(const Extra& extra) {
  if (!isType(extra, ExtraType::StreamCsd)) return std::nullopt;
  ByteReader reader(extra.payload);
  StreamCsdExtra out;
  uint8_t count;
  if (!reader.u8(out.streamId) || !reader.i16(out.width) || !reader.i16(out.height) ||
      !reader.u8(count)) {
    return std::nullopt;
  }
  for (uint8_t i = 0; i < count; i++) {
    uint8_t length;
    ByteView data;
    if (!reader.u8(length) || !reader.view(length, data)) return std::nullopt;
    out.data.push_back(data.toBytes());
  }
  return out;
}

std::optional<LanEndpointExtra> decodeLanEndpointExtra(const Extra& extra) {
  if (!isType(extra, ExtraType::LanEndpoint)) return std::nullopt;
  ByteReader reader(extra.payload);
  LanEndpointExtra out;
  if (!reader.copy(out.ipv4.data(), out.ipv4.size()) || !reader.i32(out.port)) return std::nullopt;
  return out;
}

std::optional<NetworkChangedExtra> decodeNetworkChangedExtra(const Extra& extra) {
  if (!isType(extra, ExtraType::NetworkChanged)) return std::nullopt;
  ByteReader reader(extra.payload);
  NetworkChangedExtra out;
  if (!reader.u32(out.flags)) return std::nullopt;
  return out;
}

std::optional<Ipv6EndpointExtra> decodeIpv6EndpointExtra(const Extra& extra) {
  if (!isType(extra, ExtraType::Ipv6Endpoint)) return std::nullopt;
  ByteReader reader(extra.payload);
  Ipv6EndpointExtra out;
  if (!reader.copy(out.ipv6.data(), out.ipv6.size()) || !reader.u16(out.port)) return std::nullopt;
  return out;
}

}  // namespace tgvoip::protocol
