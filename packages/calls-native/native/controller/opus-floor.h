// The benchmark's floor: libopus alone encoding and decoding the same 60 ms frames the
// engine sends (same settings as AudioSender), timed in CPU seconds of this thread.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tgvoip {

struct OpusFloorResult {
  double cpuSeconds = 0;
  int frames = 0;
  uint64_t bytes = 0;
};

// Encodes and decodes `pcm` (a whole number of 2880-sample frames) `rounds` times.
OpusFloorResult measureOpusFloor(const int16_t* pcm, size_t samples, int rounds, int bitrate);

}  // namespace tgvoip
