#pragma once
// RAII wrapper over a libopus decoder: 48 kHz mono, with in-band FEC and loss concealment.

#include <memory>

#include "opus/opus-encoder.h"
#include "protocol/bytes.h"

struct OpusDecoder;  // libopus

namespace tgvoip::opus {

class Decoder {
 public:
  static std::unique_ptr<Decoder> create(int* error = nullptr);
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  /** Decodes one packet into `pcm` (room for `maxSamples`). Samples written, or a negative libopus error. */
  int decode(protocol::ByteView packet, int16_t* pcm, int maxSamples);
  /**
   * Recovers the frame *before* `nextPacket` from that packet's in-band FEC data (falls
   * back to concealment inside libopus when it has none). `samples` is the lost frame's
   * length, normally kFrameSamples.
   */
  int decodeFec(protocol::ByteView nextPacket, int16_t* pcm, int samples);
  /** Packet loss concealment for `samples` (a multiple of 2.5 ms). */
  int conceal(int16_t* pcm, int samples);
  void reset();

  /** Samples per channel at 48 kHz that `packet` decodes to, or a negative libopus error. */
  static int packetSamples(protocol::ByteView packet);

 private:
  explicit Decoder(::OpusDecoder* decoder) : decoder_(decoder) {}
  ::OpusDecoder* decoder_;
};

}  // namespace tgvoip::opus
