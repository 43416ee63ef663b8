// Adaptive jitter buffer for audio packets keyed by pts: libtgvoip's 60 ms packets with
// pts in ms, or RTP packets with pts in 48 kHz samples. Local behaviour, not on the
// wire (spec §12.5 allows any design): each packet is played at
// base + pts, where base tracks the fastest transit seen recently plus a delay that
// covers the measured jitter. On a clean link the delay shrinks to a small guard
// (reported as 1 packet); under jitter it grows; under loss it adds one packet of
// room so the successor packet (in-band FEC, extra-FEC copies) arrives in time.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <utility>

#include "protocol/bytes.h"
#include "protocol/constants.h"

namespace tgvoip {

struct JitterConfig {
  double initialDelay = 0.120;  // jitter_initial_delay_60 packets x 60 ms
  double maxDelay = 0.600;      // jitter_max_delay_60 packets x 60 ms
  double guard = 0.012;         // slack on top of the measured jitter
  size_t maxSlots = 20;         // jitter_max_slots_60
  int lossesToReset = 20;       // jitter_losses_to_reset
  // pts units per second, and one packet's duration in those units.
  uint32_t ptsRate = 1000;
  uint32_t frameDuration = protocol::kAudioFrameDurationMs;
  double frameSeconds() const { return static_cast<double>(frameDuration) / ptsRate; }
};

class JitterBuffer {
 public:
  enum class Kind { Primary, ExtraFec, Missing };
  struct Frame {
    Kind kind = Kind::Missing;
    uint32_t pts = 0;
    protocol::Bytes data;
  };

  explicit JitterBuffer(const JitterConfig& config);

  void putPrimary(uint32_t pts, protocol::ByteView data, double now);
  void putFec(uint32_t pts, protocol::ByteView data);

  bool started() const { return started_; }
  const JitterConfig& config() const { return config_; }
  bool isDue(double now) const { return started_ && now >= playTime(nextPts_); }
  // When the next frame is due (meaningful once started).
  double nextPlayTime() const { return playTime(nextPts_); }
  Frame take();
  // The primary packet after `pts`, if already here (for Opus in-band FEC).
  const protocol::Bytes* peekPrimary(uint32_t pts) const;

  // Re-evaluates the delay. Returns the playout shift in 20 ms steps: positive means
  // the caller must insert that much concealment, negative means drop that much audio.
  int adapt(double now, bool peerExtraEc);
  void reset();

  double delay() const { return delay_; }
  double lossRate() const;
  uint64_t lateCount() const { return late_; }
  uint64_t lostCount() const { return lost_; }
  double jitterSpread() const;

 private:
  struct Slot {
    protocol::Bytes primary;
    protocol::Bytes fec;
  };
  double playTime(uint32_t pts) const { return base_ + static_cast<double>(pts) / config_.ptsRate; }
  double minTransit() const;
  double transitPercentile(double fraction) const;

  JitterConfig config_;
  std::map<uint32_t, Slot> slots_;
  std::deque<double> transits_;
  // Recent playout outcomes: pts and whether it was missing. A missing frame whose packet
  // turns up late is re-marked: lateness is jitter (handled by the delay), not loss.
  std::deque<std::pair<uint32_t, bool>> recentOutcomes_;
  bool started_ = false;
  uint32_t nextPts_ = 0;
  double base_ = 0;
  double delay_;
  int consecutiveMisses_ = 0;
  double lastLateAt_ = -1e9;
  double lastDecreaseAt_ = 0;
  uint64_t late_ = 0;
  uint64_t lost_ = 0;
};

}  // namespace tgvoip
