#include "controller/opus-floor.h"

#include <cmath>
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

OpusFloorResult measureOpusFloor(int frames, int bitrate) {
  OpusFloorResult result;
  opus::EncoderSettings settings;  // AudioSender's settings: complexity 10, in-band FEC, 1 % loss
  settings.bitrate = bitrate;
  auto encoder = opus::Encoder::create(settings);
  auto decoder = opus::Decoder::create();
  if (!encoder || !decoder) return result;
  // The benchmark's source: a 440 Hz tone, as the calls send.
  std::vector<int16_t> pcm(static_cast<size_t>(opus::kFrameSamples) * 50);
  for (size_t i = 0; i < pcm.size(); i++) {
    pcm[i] = static_cast<int16_t>(std::lround(std::sin(2 * M_PI * 440.0 * static_cast<double>(i) / 48000.0) * 9830));
  }
  std::vector<int16_t> out(opus::kFrameSamples);
  protocol::Bytes packet;
  double start = threadCpuSeconds();
  for (int i = 0; i < frames; i++) {
    const int16_t* frame = pcm.data() + static_cast<size_t>(i % 50) * opus::kFrameSamples;
    int size = encoder->encode(frame, opus::kFrameSamples, packet);
    if (size <= 0) continue;
    result.bytes += static_cast<uint64_t>(size);
    decoder->decode(packet, out.data(), opus::kFrameSamples);
    result.frames++;
  }
  result.cpuSeconds = threadCpuSeconds() - start;
  return result;
}

}  // namespace tgvoip
