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
#include "protocol/stream-data.h"

namespace tgvoip {

struct ReceiveCounters {
  uint64_t primary = 0;
  uint64_t extraFec = 0;
  uint64_t inbandFec = 0;
  uint64_t concealed = 0;
  // Extra-FEC copies of other frames never stored or played: not a valid 60 ms Opus packet,
  // or sent by a peer whose copies have been garbage (see onFecBlock).
  uint64_t fecRejected = 0;
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
  /**
   * The extra-FEC block of the packet carrying frame `pts` (§7.3): copies of earlier
   * frames, oldest first, the last one usually of `pts` itself. libtgvoip 2.4.4 never sends
   * real copies (its HandleAudioInput() copies zero bytes of the secondary encoder's output
   * into each entry, so entries hold whatever the heap held), and a few of those happen to
   * read as 60 ms Opus, which would be played as noise. So the whole block is checked, and
   * once one copy is not a 60 ms Opus packet the peer's copies are ignored for the call.
   */
  void onFecBlock(uint32_t pts, const std::vector<protocol::FecEntry>& copies);
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
  bool peerFecIsGarbage_ = false;
  bool anyPacketDuration_;
};

}  // namespace tgvoip
