#include "controller/opus-floor.h"

#include <ctime>
#include <vector>

#include "opus/opus-decoder.h"
#include "opus/opus-encoder.h"

namespace tgvoip {

namespace {
double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
}  // namespace

OpusFloorResult measureOpusFloor(const int16_t* pcm, size_t samples, int rounds, int bitrate) {
  OpusFloorResult result;
  opus::EncoderSettings settings;  // AudioSender's settings: complexity 10, in-band FEC, 1 % loss
  settings.bitrate = bitrate;
  auto encoder = opus::Encoder::create(settings);
  auto decoder = opus::Decoder::create();
  const size_t frames = samples / static_cast<size_t>(opus::kFrameSamples);
  if (!encoder || !decoder || frames == 0) return result;
  std::vector<int16_t> out(opus::kFrameSamples);
  protocol::Bytes packet;
  double start = threadCpuSeconds();
  for (int round = 0; round < rounds; round++) {
    for (size_t i = 0; i < frames; i++) {
      int size = encoder->encode(pcm + i * opus::kFrameSamples, opus::kFrameSamples, packet);
      if (size <= 0) continue;
      result.bytes += static_cast<uint64_t>(size);
      decoder->decode(packet, out.data(), opus::kFrameSamples);
      result.frames++;
    }
  }
  result.cpuSeconds = threadCpuSeconds() - start;
  return result;
}

}  // namespace tgvoip
