// Opus wrappers: 60 ms frames round trip with the tone intact; FEC and concealment sizes.

#include <cmath>

#include "opus/opus-decoder.h"
#include "opus/opus-encoder.h"
#include "test/test-harness.h"
#include "test/tone.h"

using namespace tgvoip;

namespace {

std::vector<protocol::Bytes> encodeTone(double hz, int frames, bool inbandFec) {
  opus::EncoderSettings settings;
  settings.inbandFec = inbandFec;
  settings.packetLossPercent = inbandFec ? 20 : 0;
  auto encoder = opus::Encoder::create(settings);
  std::vector<protocol::Bytes> packets;
  if (!encoder) return packets;
  for (int f = 0; f < frames; f++) {
    const auto pcm = test::sine(hz, opus::kFrameSamples, size_t(f) * opus::kFrameSamples);
    protocol::Bytes packet;
    if (encoder->encode(pcm.data(), opus::kFrameSamples, packet) > 0) packets.push_back(packet);
  }
  return packets;
}

}  // namespace

TEST("Opus 60 ms frames at 16 kbps decode back to the 440 Hz tone") {
  const auto packets = encodeTone(440, 25, true);
  CHECK(packets.size() == 25);
  auto decoder = opus::Decoder::create();
  CHECK(decoder != nullptr);
  if (!decoder || packets.size() != 25) return;
  std::vector<int16_t> all;
  int16_t pcm[opus::kFrameSamples];
  for (const auto& packet : packets) {
    CHECK(packet.size() < 200);  // 16 kbps * 60 ms = 120 bytes on average
    CHECK(opus::Decoder::packetSamples(packet) == opus::kFrameSamples);
    CHECK(decoder->decode(packet, pcm, opus::kFrameSamples) == opus::kFrameSamples);
    all.insert(all.end(), pcm, pcm + opus::kFrameSamples);
  }
  const std::vector<int16_t> tail(all.begin() + 10 * opus::kFrameSamples, all.end());
  CHECK(std::fabs(test::dominantFrequency(tail, 100, 2000) - 440) <= 2);
}

TEST("Opus in-band FEC and PLC fill a lost 60 ms frame; bad input is an error") {
  const auto packets = encodeTone(880, 12, true);
  auto decoder = opus::Decoder::create();
  CHECK(decoder != nullptr && packets.size() == 12);
  if (!decoder || packets.size() != 12) return;
  int16_t pcm[opus::kFrameSamples];
  for (int i = 0; i < 6; i++) decoder->decode(packets[i], pcm, opus::kFrameSamples);
  // Frame 6 lost: recover it from frame 7's FEC data, then decode 7 itself.
  CHECK(decoder->decodeFec(packets[7], pcm, opus::kFrameSamples) == opus::kFrameSamples);
  CHECK(decoder->decode(packets[7], pcm, opus::kFrameSamples) == opus::kFrameSamples);
  CHECK(decoder->conceal(pcm, opus::kFrameSamples) == opus::kFrameSamples);
  const uint8_t garbage[3] = {0xFF, 0xFF, 0xFF};
  CHECK(decoder->decode(protocol::ByteView(garbage, 3), pcm, opus::kFrameSamples) < 0);
  CHECK(decoder->decode(protocol::ByteView(), pcm, opus::kFrameSamples) < 0);
  // A valid 20 ms packet is not a wire frame: rejected, like damaged data.
  auto encoder = opus::Encoder::create(opus::EncoderSettings{});
  protocol::Bytes shortPacket;
  const auto tone = test::sine(880, 960);
  CHECK(encoder && encoder->encode(tone.data(), 960, shortPacket) > 0);
  CHECK(opus::Decoder::packetSamples(shortPacket) == 960);
  CHECK(decoder->decode(shortPacket, pcm, opus::kFrameSamples) < 0);
  decoder->reset();
  CHECK(decoder->decode(packets[8], pcm, opus::kFrameSamples) == opus::kFrameSamples);
}

TEST("Opus encoder settings: bitrate bounds and invalid frame sizes") {
  auto encoder = opus::Encoder::create(opus::EncoderSettings{});
  CHECK(encoder != nullptr);
  if (!encoder) return;
  CHECK(encoder->setBitrate(8000) && encoder->bitrate() == 8000);
  CHECK(encoder->setComplexity(5) && encoder->setPacketLossPercent(15) && encoder->setInbandFec(false));
  CHECK(!encoder->setComplexity(11));
  const auto pcm = test::sine(440, opus::kFrameSamples);
  protocol::Bytes packet;
  CHECK(encoder->encode(pcm.data(), 1000, packet) < 0 && packet.empty());
  CHECK(encoder->encode(pcm.data(), opus::kFrameSamples, packet, opus::kMaxFecPacketSize) > 0);
  CHECK(packet.size() <= size_t(opus::kMaxFecPacketSize));
}
