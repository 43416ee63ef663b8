// Incoming audio (spec §7.2, §12.2): stream-data records (or RTP payloads, for the
// tgcalls v2 engine) go into the jitter buffer; at each packet's playout time it is
// decoded into the output ring. A missing packet
// is rebuilt from an extra-FEC copy, else from the next packet's Opus in-band FEC, else
// concealed (PLC). Before playback starts (and while the peer is silent) the output
// clock keeps delivering silence, so consumers get one 20 ms frame per 20 ms.
#pragma once

#include <memory>
#include <vector>

#include "controller/jitter-buffer.h"
#include "engine/spsc-ring.h"
#include "opus/opus-decoder.h"

namespace tgvoip {

struct ReceiveCounters {
  uint64_t primary = 0;
  uint64_t extraFec = 0;
  uint64_t inbandFec = 0;
  uint64_t concealed = 0;
  uint64_t fecRejected = 0;  // extra-FEC copies that were not a valid 60 ms Opus packet
  uint64_t silence = 0;
  uint64_t overflow = 0;  // samples dropped because JS did not drain the output ring
  uint64_t invalid = 0;   // packets that are not Opus (any-duration mode)
};

class AudioReceiver {
 public:
  /**
   * With `anyPacketDuration` (RTP peers), pts are 48 kHz samples and the jitter buffer
   * follows the duration of the packets that arrive (tgcalls sends 60 ms, we send 20 ms);
   * otherwise every packet must last config.frameDuration (libtgvoip: 60 ms).
   */
  AudioReceiver(std::shared_ptr<SpscRing> output, const JitterConfig& config, bool anyPacketDuration = false);

  void onPacket(uint32_t pts, protocol::ByteView data, double now);
  void onFec(uint32_t pts, protocol::ByteView data);
  // Runs playout up to `now`. Returns true if PCM was written to the output ring.
  bool tick(double now, bool peerExtraEc);
  // When tick() next has work: silence, the next frame's playout, or a delay review.
  double nextDeadline(double now) const;
  void setPeerEnabled(bool enabled);
  void startClock(double now) { nextSilenceAt_ = now; }

  const JitterBuffer& jitter() const { return jitter_; }
  const ReceiveCounters& counters() const { return counters_; }

 private:
  void decodeDue(const JitterBuffer::Frame& frame);
  void followPacketDuration(int samples);
  int frameSamples() const;
  void push(const int16_t* pcm, size_t count);

  std::shared_ptr<SpscRing> output_;
  JitterBuffer jitter_;
  std::unique_ptr<opus::Decoder> decoder_;
  std::vector<int16_t> pcm_;
  ReceiveCounters counters_;
  size_t pendingDrop_ = 0;
  double nextSilenceAt_ = 0;
  double lastAdaptAt_ = 0;
  bool peerEnabled_ = true;
  bool anyPacketDuration_;
};

}  // namespace tgvoip
