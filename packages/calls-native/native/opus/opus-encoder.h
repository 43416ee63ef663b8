#pragma once
// RAII wrapper over a libopus encoder set up as the reference does (§12.1): 48 kHz mono,
// VOIP application, voice signal, one 60 ms frame (2880 samples) per packet.

#include <memory>

#include "protocol/bytes.h"

struct OpusEncoder;  // libopus

namespace tgvoip::opus {

constexpr int kSampleRate = 48000;
constexpr int kFrameSamples = 2880;     // 60 ms: one packet per STREAM_DATA
constexpr int kMaxFrameSamples = 5760;  // 120 ms: the longest Opus packet
constexpr int kMaxPacketSize = 1275;    // one Opus packet never exceeds this in practice
constexpr int kMaxFecPacketSize = 128;  // secondary (extra-FEC) encoder output limit (§12.4)

struct EncoderSettings {
  int bitrate = 16000;  // server config audio_init_bitrate
  int complexity = 10;
  bool inbandFec = true;
  int packetLossPercent = 1;
};

class Encoder {
 public:
  /** Nothing (and the libopus error in `error`) if libopus refuses to create it. */
  static std::unique_ptr<Encoder> create(const EncoderSettings& settings, int* error = nullptr);
  ~Encoder();
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  /**
   * Encodes `samples` (2880 for the wire; 120..2880 valid Opus sizes accepted) into `out`,
   * which is resized to the packet. Returns the packet size or a negative libopus error.
   */
  int encode(const int16_t* pcm, int samples, protocol::Bytes& out, int maxPacketSize = kMaxPacketSize);

  bool setBitrate(int bitsPerSecond);
  bool setComplexity(int complexity);
  bool setInbandFec(bool enabled);
  bool setPacketLossPercent(int percent);
  int bitrate() const { return bitrate_; }
  int complexity() const;  // as libopus reports it

 private:
  explicit Encoder(::OpusEncoder* encoder) : encoder_(encoder) {}
  ::OpusEncoder* encoder_;
  int bitrate_ = 0;
};

}  // namespace tgvoip::opus
