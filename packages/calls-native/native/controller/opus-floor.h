// The benchmark's floor: libopus alone encoding and decoding the same 60 ms frames the
// engine sends (same settings as AudioSender), timed in CPU seconds of this thread.
#pragma once

#include <cstdint>

namespace tgvoip {

struct OpusFloorResult {
  double cpuSeconds = 0;
  int frames = 0;
  uint64_t bytes = 0;
};

OpusFloorResult measureOpusFloor(int frames, int bitrate);

}  // namespace tgvoip
