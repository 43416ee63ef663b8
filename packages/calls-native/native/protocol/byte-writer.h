#pragma once
// Little-endian writer appending to a caller-owned buffer (so senders can reuse capacity).

#include "protocol/bytes.h"

namespace tgvoip::protocol {

class ByteWriter {
 public:
  explicit ByteWriter(Bytes& out) : out_(out) {}

  ByteWriter& u8(uint8_t value) {
    out_.push_back(value);
    return *this;
  }
  ByteWriter& u16(uint16_t value) { return little(value); }
  ByteWriter& i16(int16_t value) { return little(static_cast<uint16_t>(value)); }
  ByteWriter& u32(uint32_t value) { return little(value); }
  ByteWriter& i32(int32_t value) { return little(static_cast<uint32_t>(value)); }
  ByteWriter& u64(uint64_t value) { return little(value); }
  ByteWriter& bytes(const uint8_t* data, size_t size) {
    out_.insert(out_.end(), data, data + size);
    return *this;
  }
  ByteWriter& bytes(ByteView view) { return bytes(view.data, view.size); }
  ByteWriter& fill(uint8_t value, size_t count) {
    out_.insert(out_.end(), count, value);
    return *this;
  }
  size_t size() const { return out_.size(); }

 private:
  template <typename T>
  ByteWriter& little(T value) {
    for (size_t i = 0; i < sizeof(T); i++) out_.push_back(static_cast<uint8_t>(value >> (8 * i)));
    return *this;
  }

  Bytes& out_;
};

}  // namespace tgvoip::protocol
