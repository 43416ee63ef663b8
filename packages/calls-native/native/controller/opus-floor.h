// The benchmark's floors: libopus alone encoding and decoding the same 60 ms frames the
// engine sends (same settings as AudioSender), timed in CPU seconds of the threads doing it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tgvoip {

struct OpusFloorResult {
  double cpuSeconds = 0;
  int frames = 0;
  uint64_t bytes = 0;
};

// Encodes and decodes `pcm` (a whole number of 2880-sample frames) `rounds` times, back to
// back on this thread.
OpusFloorResult measureOpusFloor(const int16_t* pcm, size_t samples, int rounds, int bitrate);

// The same work paced as the engine does it, for `seconds`: `threads` threads with
// `endsPerThread` call ends each, on the engine's 5 ms tick, every end encoding one frame
// and decoding one every 60 ms, spread over the 12 ticks of a frame. A thread that sleeps
// between ticks finds its caches and its CPU colder than a tight loop does (on the
// development VM libopus took 10% to 30% more CPU per frame), which the tight-loop floor
// does not show and every real-time engine pays. Throws std::system_error if a thread
// cannot be started.
OpusFloorResult measurePacedOpusFloor(const int16_t* pcm, size_t samples, int threads, int endsPerThread,
                                      double seconds, int bitrate);

}  // namespace tgvoip
