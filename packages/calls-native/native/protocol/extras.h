#pragma once
// Header extras (§6.1, §6.3): the list codec and typed payloads. Unknown types are kept raw.

#include <optional>
#include <vector>

#include "protocol/byte-reader.h"
#include "protocol/constants.h"
#include "protocol/parse-error.h"

namespace tgvoip::protocol {

/** The payload length byte counts the type byte, so a payload holds at most 254 bytes. */
constexpr size_t kMaxExtraPayload = 254;
constexpr size_t kMaxExtraCount = 255;

struct Extra {
  uint8_t type = 0;  // an ExtraType value, or an unknown one
  Bytes payload;

  bool operator==(const Extra& other) const {
    return type == other.type && payload == other.payload;
  }
};

/** Reads `count` then the records; on error `out` holds the records read so far. */
ParseError parseExtras(ByteReader& reader, std::vector<Extra>& out);
/** Appends the block (count + records); false (nothing written) if it cannot be encoded. */
bool encodeExtras(const std::vector<Extra>& extras, Bytes& out);

struct StreamFlagsExtra {
  uint8_t streamId = kStreamIdAudio;
  uint32_t flags = 0;  // kStreamFlag* bits
};
struct StreamCsdExtra {
  uint8_t streamId = 0;
  int16_t width = 0;
  int16_t height = 0;
  std::vector<Bytes> data;
};
struct LanEndpointExtra {
  std::array<uint8_t, 4> ipv4{};  // network order
  int32_t port = 0;
};
struct NetworkChangedExtra {
  uint32_t flags = 0;  // kNetworkFlag* bits
};
struct Ipv6EndpointExtra {
  std::array<uint8_t, 16> ipv6{};
  uint16_t port = 0;
};

Extra makeStreamFlagsExtra(const StreamFlagsExtra& value);
Extra makeLanEndpointExtra(const LanEndpointExtra& value);
Extra makeNetworkChangedExtra(const NetworkChangedExtra& value);
Extra makeIpv6EndpointExtra(const Ipv6EndpointExtra& value);

/** Each returns nothing if the extra has another type or a payload too short for it. */
std::optional<StreamFlagsExtra> decodeStreamFlagsExtra(const Extra& extra);
std::optional<StreamCsdExtra> decodeStreamCsdExtra(const Extra& extra);
std::optional<LanEndpointExtra> decodeLanEndpointExtra(const Extra& extra);
std::optional<NetworkChangedExtra> decodeNetworkChangedExtra(const Extra& extra);
std::optional<Ipv6EndpointExtra> decodeIpv6EndpointExtra(const Extra& extra);

}  // namespace tgvoip::protocol
