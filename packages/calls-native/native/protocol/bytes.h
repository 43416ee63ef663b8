#pragma once
// Byte buffers shared by every protocol codec.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tgvoip::protocol {

using Bytes = std::vector<uint8_t>;

/**
 * A non-owning view of bytes inside a buffer that must outlive the view (C++17 has no
 * std::span). Parsers return views into the datagram they parsed, so decoding a packet
 * allocates nothing for the audio payload.
 */
struct ByteView {
  const uint8_t* data = nullptr;
  size_t size = 0;

  ByteView() = default;
  ByteView(const uint8_t* bytes, size_t length) : data(bytes), size(length) {}
  ByteView(const Bytes& bytes) : data(bytes.data()), size(bytes.size()) {}  // NOLINT(implicit)

  bool empty() const { return size == 0; }
  Bytes toBytes() const { return Bytes(data, data + size); }
};

}  // namespace tgvoip::protocol
