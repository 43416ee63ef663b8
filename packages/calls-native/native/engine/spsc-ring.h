// Lock-free single-producer/single-consumer ring of PCM samples. One ring carries
// audio from JS to the engine thread and another carries it back, so neither side
// ever blocks the other: a busy JS event loop only drains or fills the ring later.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace tgvoip {

class SpscRing {
 public:
  explicit SpscRing(size_t capacity) : capacity_(capacity), data_(new int16_t[capacity]) {}

  // Producer side: how many samples can be written now.
  size_t freeSpace() const {
    size_t head = head_.load(std::memory_order_relaxed);
    size_t tail = tail_.load(std::memory_order_acquire);
    return capacity_ - (head - tail);
  }

  // Consumer side: how many samples can be read now.
  size_t available() const {
    size_t tail = tail_.load(std::memory_order_relaxed);
    size_t head = head_.load(std::memory_order_acquire);
    return head - tail;
  }

  // Writes up to `count` samples; returns how many were written.
  size_t write(const int16_t* samples, size_t count) {
    size_t head = head_.load(std::memory_order_relaxed);
    size_t tail = tail_.load(std::memory_order_acquire);
    size_t room = capacity_ - (head - tail);
    if (count > room) count = room;
    copyIn(head, samples, count);
    head_.store(head + count, std::memory_order_release);
    return count;
  }

  // Reads up to `count` samples; returns how many were read.
  size_t read(int16_t* out, size_t count) {
    size_t tail = tail_.load(std::memory_order_relaxed);
    size_t head = head_.load(std::memory_order_acquire);
    size_t have = head - tail;
    if (count > have) count = have;
    copyOut(tail, out, count);
    tail_.store(tail + count, std::memory_order_release);
    return count;
  }

  // Consumer side: drops up to `count` samples unread; returns how many were dropped.
  size_t discard(size_t count) {
    size_t tail = tail_.load(std::memory_order_relaxed);
    size_t have = head_.load(std::memory_order_acquire) - tail;
    if (count > have) count = have;
    tail_.store(tail + count, std::memory_order_release);
    return count;
  }

 private:
  void copyIn(size_t pos, const int16_t* src, size_t count) {
    size_t start = pos % capacity_;
    size_t first = count < capacity_ - start ? count : capacity_ - start;
    std::memcpy(data_.get() + start, src, first * sizeof(int16_t));
    std::memcpy(data_.get(), src + first, (count - first) * sizeof(int16_t));
  }
  void copyOut(size_t pos, int16_t* dst, size_t count) const {
    size_t start = pos % capacity_;
    size_t first = count < capacity_ - start ? count : capacity_ - start;
    std::memcpy(dst, data_.get() + start, first * sizeof(int16_t));
    std::memcpy(dst + first, data_.get(), (count - first) * sizeof(int16_t));
  }

  const size_t capacity_;
  std::unique_ptr<int16_t[]> data_;
  // Monotonic counters (wrap-around of size_t is harmless for the differences used).
  alignas(64) std::atomic<size_t> head_{0};
  alignas(64) std::atomic<size_t> tail_{0};
};

}  // namespace tgvoip
