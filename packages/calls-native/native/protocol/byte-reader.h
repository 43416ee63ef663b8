#pragma once
// Bounds-checked little-endian reader: the only way protocol code reads network bytes.

#include <cstring>

#include "protocol/bytes.h"

namespace tgvoip::protocol {

/**
 * Reads little-endian integers and byte runs from a buffer. Every read checks the
 * remaining length first; a read that does not fit returns false, consumes nothing and
 * marks the reader failed, so a parser can chain reads and test `ok()` once.
 */
class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  explicit ByteReader(ByteView view) : data_(view.data), size_(view.size) {}

  bool ok() const { return ok_; }
  size_t position() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  bool atEnd() const { return pos_ == size_; }

  bool u8(uint8_t& out) {
    if (!require(1)) return false;
    out = data_[pos_++];
    return true;
  }
  bool u16(uint16_t& out) { return little(out); }
  bool i16(int16_t& out) {
    uint16_t raw;
    if (!little(raw)) return false;
    out = static_cast<int16_t>(raw);
    return true;
  }
  bool u32(uint32_t& out) { return little(out); }
  bool i32(int32_t& out) {
    uint32_t raw;
    if (!little(raw)) return false;
    out = static_cast<int32_t>(raw);
    return true;
  }
  bool u64(uint64_t& out) { return little(out); }

  /** Copies `count` bytes to `out`. */
  bool copy(uint8_t* out, size_t count) {
    if (!require(count)) return false;
    if (count) std::memcpy(out, data_ + pos_, count);
    pos_ += count;
    return true;
  }
  /** Returns a view of the next `count` bytes (valid while the underlying buffer lives). */
  bool view(size_t count, ByteView& out) {
    if (!require(count)) return false;
    out = ByteView(data_ + pos_, count);
    pos_ += count;
    return true;
  }
  bool skip(size_t count) {
    if (!require(count)) return false;
    pos_ += count;
    return true;
  }
  /** The unread rest of the buffer; the reader ends up at the end. */
  ByteView rest() {
    ByteView out(data_ + pos_, size_ - pos_);
    pos_ = size_;
    return out;
  }

 private:
  bool require(size_t count) {
    if (!ok_ || count > size_ - pos_) {
      ok_ = false;
      return false;
    }
    return true;
  }
  template <typename T>
  bool little(T& out) {
    if (!require(sizeof(T))) return false;
    T value = 0;
    for (size_t i = 0; i < sizeof(T); i++) value |= static_cast<T>(data_[pos_ + i]) << (8 * i);
    pos_ += sizeof(T);
    out = value;
    return true;
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace tgvoip::protocol
