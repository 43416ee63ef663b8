#include "controller/opus-floor.h"

#include <chrono>
#include <ctime>
#include <memory>
#include <thread>
#include <vector>

#include "engine/event-loop.h"
#include "opus/opus-decoder.h"
#include "opus/opus-encoder.h"

namespace tgvoip {

namespace {
double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// One call end's codec pair, set up as AudioSender and AudioReceiver set up theirs.
struct CodecPair {
  std::unique_ptr<opus::Encoder> encoder;
  std::unique_ptr<opus::Decoder> decoder;
  protocol::Bytes packet;
  size_t nextFrame = 0;

  static bool create(int bitrate, CodecPair& pair) {
    opus::EncoderSettings settings;  // AudioSender's settings: complexity 10, in-band FEC, 1 % loss
    settings.bitrate = bitrate;
    pair.encoder = opus::Encoder::create(settings);
    pair.decoder = opus::Decoder::create();
    return pair.encoder && pair.decoder;
  }
};

// Ticks of one 60 ms frame: each end encodes in one of them and decodes half a frame later,
// as a call end encodes on its send clock and decodes on its peer's.
constexpr int kTicksPerFrame = 60 / EngineLoop::kTickMs;

OpusFloorResult runPacedThread(const int16_t* pcm, size_t frames, int ends, double seconds, int bitrate) {
  OpusFloorResult result;
  std::vector<CodecPair> pairs(static_cast<size_t>(ends));
  for (auto& pair : pairs) {
    if (!CodecPair::create(bitrate, pair)) return result;
  }
  std::vector<int16_t> out(opus::kFrameSamples);
  const auto tick = std::chrono::milliseconds(EngineLoop::kTickMs);
  const auto ticks = static_cast<long>(seconds * 1000 / EngineLoop::kTickMs);
  auto wakeAt = std::chrono::steady_clock::now();
  double start = threadCpuSeconds();
  for (long t = 0; t < ticks; t++) {
    int slot = static_cast<int>(t % kTicksPerFrame);
    for (int e = 0; e < ends; e++) {
      CodecPair& pair = pairs[static_cast<size_t>(e)];
      if (e % kTicksPerFrame == slot) {
        const int16_t* frame = pcm + (pair.nextFrame++ % frames) * opus::kFrameSamples;
        if (pair.encoder->encode(frame, opus::kFrameSamples, pair.packet) > 0) result.bytes += pair.packet.size();
      }
      if ((e + kTicksPerFrame / 2) % kTicksPerFrame == slot && !pair.packet.empty() &&
          pair.decoder->decode(pair.packet, out.data(), opus::kFrameSamples) > 0) {
        result.frames++;
      }
    }
    wakeAt += tick;
    std::this_thread::sleep_until(wakeAt);
  }
  result.cpuSeconds = threadCpuSeconds() - start;
  return result;
}
}  // namespace

OpusFloorResult measureOpusFloor(const int16_t* pcm, size_t samples, int rounds, int bitrate) {
  OpusFloorResult result;
  CodecPair pair;
  const size_t frames = samples / static_cast<size_t>(opus::kFrameSamples);
  if (!CodecPair::create(bitrate, pair) || frames == 0) return result;
  std::vector<int16_t> out(opus::kFrameSamples);
  double start = threadCpuSeconds();
  for (int round = 0; round < rounds; round++) {
    for (size_t i = 0; i < frames; i++) {
      int size = pair.encoder->encode(pcm + i * opus::kFrameSamples, opus::kFrameSamples, pair.packet);
      if (size <= 0) continue;
      result.bytes += static_cast<uint64_t>(size);
      pair.decoder->decode(pair.packet, out.data(), opus::kFrameSamples);
      result.frames++;
    }
  }
  result.cpuSeconds = threadCpuSeconds() - start;
  return result;
}

OpusFloorResult measurePacedOpusFloor(const int16_t* pcm, size_t samples, int threads, int endsPerThread,
                                      double seconds, int bitrate) {
  const size_t frames = samples / static_cast<size_t>(opus::kFrameSamples);
  if (frames == 0) return {};
  std::vector<OpusFloorResult> results(static_cast<size_t>(threads));
  std::vector<std::thread> workers;
  try {
    for (int i = 0; i < threads; i++) {
      workers.emplace_back([&, i] { results[static_cast<size_t>(i)] = runPacedThread(pcm, frames, endsPerThread, seconds, bitrate); });
    }
  } catch (...) {
    // A joinable thread must not be destroyed: the ones that started finish first.
    for (auto& worker : workers) worker.join();
    throw;
  }
  for (auto& worker : workers) worker.join();
  OpusFloorResult total;
  for (const auto& r : results) {
    total.cpuSeconds += r.cpuSeconds;
    total.frames += r.frames;
    total.bytes += r.bytes;
  }
  return total;
}

}  // namespace tgvoip
