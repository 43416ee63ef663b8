#pragma once
// RAII wrapper over a libopus decoder: 48 kHz mono, with in-band FEC and loss concealment.

#include <memory>

#include "opus/opus-encoder.h"
#include "protocol/bytes.h"

struct OpusDecoder;  // libopus

namespace tgvoip::opus {

class Decoder {
 public:
  /**
   * `frameSamples` is the only packet duration decode() accepts (kFrameSamples: the
   * libtgvoip wire); 0 accepts any Opus duration, 2.5 to 120 ms, as RTP peers send
   * (tgcalls uses 60 ms, other builds up to 120 ms).
   */
  static std::unique_ptr<Decoder> create(int* error = nullptr, int frameSamples = kFrameSamples);
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  /**
   * Decodes one packet into `pcm` (room for `maxSamples`): samples written, or a negative
   * libopus error. With a fixed frame size, packets of any other duration are rejected
   * with OPUS_INVALID_PACKET and leave the decoder untouched: the libtgvoip wire only
   * carries 60 ms frames, so anything else is damaged data (libtgvoip 2.5 was recorded
   * sending process memory as extra-FEC entries, some of which parse as short Opus packets).
   */
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
  Decoder(::OpusDecoder* decoder, int frameSamples) : decoder_(decoder), frameSamples_(frameSamples) {}
  ::OpusDecoder* decoder_;
  int frameSamples_;
};

}  // namespace tgvoip::opus
