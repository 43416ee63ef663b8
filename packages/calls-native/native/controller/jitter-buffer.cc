#include "controller/jitter-buffer.h"

#include <algorithm>
#include <cmath>
#include <vector>


namespace tgvoip {

using protocol::ByteView;
using protocol::Bytes;

namespace {
// ~2 s of packets: long enough for a stable percentile, short enough to forget steps.
constexpr size_t kTransitWindow = 32;
constexpr size_t kOutcomeWindow = 50;
constexpr double kStep = 0.020;
// Shrinking drops 20 ms of audio each time; spaced out so it is rarely audible.
constexpr double kDecreaseInterval = 0.25;
// Anything this far from the playout point is garbage or from a previous stream.
constexpr int64_t kMaxPtsDistanceSeconds = 12;
}  // namespace

JitterBuffer::JitterBuffer(const JitterConfig& config) : config_(config), delay_(config.initialDelay) {}

void JitterBuffer::putPrimary(uint32_t pts, ByteView data, double now) {
  double transit = now - static_cast<double>(pts) / config_.ptsRate;
  if (started_) {
    const int64_t maxDistance = kMaxPtsDistanceSeconds * config_.ptsRate;
    int64_t distance = static_cast<int64_t>(pts) - static_cast<int64_t>(nextPts_);
    if (distance > maxDistance || distance < -maxDistance) {
      reset();  // the sender restarted its timestamps: resynchronise
    }
  }
  transits_.push_back(transit);
  if (transits_.size() > kTransitWindow) transits_.pop_front();
  if (!started_) {
    started_ = true;
    nextPts_ = pts;
    base_ = transit + delay_;
  } else if (pts < nextPts_) {
    late_++;
    lastLateAt_ = now;
    for (auto& outcome : recentOutcomes_) {
      if (outcome.first == pts) outcome.second = false;
    }
    return;
  }
  slots_[pts].primary = data.toBytes();
  while (slots_.size() > config_.maxSlots) slots_.erase(slots_.begin());
}

void JitterBuffer::putFec(uint32_t pts, ByteView data) {
  if (!started_ || pts < nextPts_) return;
  Slot& slot = slots_[pts];
  if (slot.primary.empty() && slot.fec.empty()) slot.fec = data.toBytes();
  while (slots_.size() > config_.maxSlots) slots_.erase(slots_.begin());
}

const Bytes* JitterBuffer::peekPrimary(uint32_t pts) const {
  auto it = slots_.find(pts);
  if (it == slots_.end() || it->second.primary.empty()) return nullptr;
  return &it->second.primary;
}

JitterBuffer::Frame JitterBuffer::take() {
  Frame frame;
  frame.pts = nextPts_;
  auto it = slots_.find(nextPts_);
  if (it != slots_.end() && !it->second.primary.empty()) {
    frame.kind = Kind::Primary;
    frame.data = std::move(it->second.primary);
  } else if (it != slots_.end() && !it->second.fec.empty()) {
    frame.kind = Kind::ExtraFec;
    frame.data = std::move(it->second.fec);
  }
  if (it != slots_.end()) slots_.erase(it);
  // Older leftovers can never be played.
  while (!slots_.empty() && slots_.begin()->first < nextPts_) slots_.erase(slots_.begin());
  nextPts_ += config_.frameDuration;
  bool missing = frame.kind == Kind::Missing;
  recentOutcomes_.emplace_back(frame.pts, missing);
  if (recentOutcomes_.size() > kOutcomeWindow) recentOutcomes_.pop_front();
  if (missing) {
    lost_++;
    if (++consecutiveMisses_ >= config_.lossesToReset) reset();
  } else {
    consecutiveMisses_ = 0;
  }
  return frame;
}

void JitterBuffer::reset() {
  started_ = false;
  slots_.clear();
  consecutiveMisses_ = 0;
  transits_.clear();
}

double JitterBuffer::minTransit() const {
  double best = transits_.empty() ? 0 : transits_.front();
  for (double t : transits_) best = std::min(best, t);
  return best;
}

double JitterBuffer::jitterSpread() const {
  if (transits_.size() < 2) return 0;
  std::vector<double> sorted(transits_.begin(), transits_.end());
  std::sort(sorted.begin(), sorted.end());
  size_t p95 = (sorted.size() * 95) / 100;
  if (p95 >= sorted.size()) p95 = sorted.size() - 1;
  return sorted[p95] - sorted.front();
}

double JitterBuffer::lossRate() const {
  if (recentOutcomes_.empty()) return 0;
  size_t lost = 0;
  for (const auto& outcome : recentOutcomes_) lost += outcome.second ? 1 : 0;
  return static_cast<double>(lost) / static_cast<double>(recentOutcomes_.size());
}

double JitterBuffer::transitPercentile(double fraction) const {
  std::vector<double> sorted(transits_.begin(), transits_.end());
  std::sort(sorted.begin(), sorted.end());
  size_t index = static_cast<size_t>(fraction * static_cast<double>(sorted.size()));
  return sorted[std::min(index, sorted.size() - 1)];
}

int JitterBuffer::adapt(double now, bool peerExtraEc) {
  if (!started_ || transits_.size() < 8) return 0;
  // Play each packet late enough that ~97 % of recent packets would have been in time.
  // Measured on absolute transit times, a one-off step in the path delay (or in the
  // sender's clock phase) moves the target once instead of reading as lasting jitter.
  double target = transitPercentile(0.97) + config_.guard;
  // Room for successor packets that carry this frame's FEC.
  if (lossRate() > 0) target += config_.frameSeconds();
  if (peerExtraEc) target += config_.frameSeconds();
  double floor = minTransit();
  target = std::min(target, floor + config_.maxDelay);
  double shift = target - base_;
  int steps = 0;
  if (shift > kStep / 2) {
    steps = static_cast<int>(std::ceil(shift / kStep));
  } else if (shift < -kStep && now - lastLateAt_ > 2.0 && now - lastDecreaseAt_ > kDecreaseInterval) {
    steps = -1;  // shrink gently: one 20 ms step at a time
    lastDecreaseAt_ = now;
  }
  base_ += steps * kStep;
  delay_ = base_ - floor;
  return steps;
}

}  // namespace tgvoip
