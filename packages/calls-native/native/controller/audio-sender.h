// Outgoing audio (spec §12.1, §12.4): takes 60 ms of PCM from the input ring, encodes
// one Opus packet per STREAM_DATA with pts += 60, and in extra-EC mode adds low-bitrate
// copies of the last frames from a secondary encoder.
#pragma once

#include <deque>
#include <memory>

#include "engine/send-slots.h"
#include "engine/spsc-ring.h"
#include "opus/opus-encoder.h"
#include "protocol/bytes.h"

namespace tgvoip {

class AudioSender {
 public:
  // `slots`: the engine thread's, for a clock on a grid point few other calls use (none in
  // unit tests: the clock then runs exactly where it is set).
  AudioSender(std::shared_ptr<SpscRing> input, int bitrate, SendSlots* slots = nullptr);

  // Called every engine tick, before due(). Skips the send slots an engine that fell far
  // behind missed (see .cc). When a producer starts writing into an empty ring, the
  // send clock is re-phased once so blocks go out as soon as they are complete, instead
  // of waiting up to a frame for the next tick of an unrelated clock.
  void observe(double now);
  // After a send: if a real-time producer keeps completing blocks well before the clock
  // takes them, move the clock earlier (never later, so packets are never late).
  void trimQueueDelay(double now);
  // True when the 60 ms send clock says the next block is due, or, for a block the
  // producer is still in the middle of, once a short grace has passed too (see .cc).
  bool due(double now) const;
  // When the sender next needs the engine: the send clock, or the next tick while it
  // waits for the producer to start or could see it stop (observe() only notices
  // either when it runs, and the producer writes without waking the engine).
  double nextDeadline(double now, bool muted) const {
    if (!muted && (idle_ || input_->available() == 0)) return now;
    return nextSendAt_;
  }
  // Before each encode: `behind` is how far the engine thread is behind its schedule
  // (EngineLoop::behindSchedule). Past a threshold the encoders drop to a cheaper Opus
  // complexity until the thread has caught up (see .cc).
  void adaptToEngineLoad(double behind);
  // Encodes the next block into `packet` (+ `fec` entries, oldest first). Returns false
  // if the encoder failed. Advances the clock.
  bool encodeNext(double now, protocol::Bytes& packet, std::vector<protocol::Bytes>& fec, uint32_t& pts);

  // Any of the frame's grid points from `now` on: a producer that writes ahead has its
  // blocks ready whenever the clock comes.
  void startClock(double now) {
    setClock(now, SendSlots::kGridPoints);
    idle_ = true;
  }
  // Engine thread, as the call stops: gives the clock's grid point back.
  void releaseClock();
  void setBitrate(int bitrate);
  int bitrate() const { return bitrate_; }
  // 0 disables extra EC; 2..4 entries per packet otherwise.
  void setExtraEcLevel(int level);
  int extraEcLevel() const { return extraEcLevel_; }
  void setExpectedLoss(int percent);
  // Muted: the clock keeps running; what the producer queued is read and dropped, not sent.
  void skip(double now);

  uint64_t framesEncoded() const { return framesEncoded_; }
  // Live input (a microphone-like producer writing in real time): a block that keeps
  // waiting behind the clock is stale, and is dropped to keep the delay down.
  void setLiveInput(bool live) { liveInput_ = live; }
  uint64_t staleBlocksDropped() const { return staleBlocksDropped_; }
  // Blocks sent as silence because the producer had not written a whole block in time.
  uint64_t underrunBlocks() const { return underrunBlocks_; }
  // 60 ms send slots skipped because the engine fell more than two behind the clock.
  uint64_t slotsSkipped() const { return slotsSkipped_; }
  // Blocks encoded at the reduced complexity because the engine thread was behind.
  uint64_t reducedComplexityFrames() const { return reducedComplexityFrames_; }
  // The primary encoder's complexity as libopus reports it, and the secondary's (-1
  // without extra EC).
  int complexity() const { return encoder_ ? encoder_->complexity() : -1; }
  int secondaryComplexity() const { return secondary_ ? secondary_->complexity() : -1; }

 private:
  void skipMissedSlots(double now);
  // Sets the clock to `earliest`, or later onto the least booked of the next `choices`
  // grid points.
  void setClock(double earliest, int choices);
  // What adaptToEngineLoad() last chose, for the encoders and for one created later.
  int wantedComplexity() const;

  std::shared_ptr<SpscRing> input_;
  std::unique_ptr<opus::Encoder> encoder_;
  std::unique_ptr<opus::Encoder> secondary_;
  std::deque<protocol::Bytes> secondaryFifo_;
  std::vector<int16_t> pcm_;
  int bitrate_;
  int extraEcLevel_ = 0;
  bool reducedComplexity_ = false;
  uint64_t reducedComplexityFrames_ = 0;
  uint32_t pts_ = 0;
  double nextSendAt_ = 0;
  SendSlots* slots_;
  bool booked_ = false;
  // How much later than `earliest` setClock() put the clock to spread the thread's load:
  // not slack for trimQueueDelay() to take back.
  double clockDelay_ = 0;
  bool idle_ = true;
  int slackCount_ = 0;
  int behindCount_ = 0;
  bool liveInput_ = false;
  uint64_t staleBlocksDropped_ = 0;
  uint64_t framesEncoded_ = 0;
  uint64_t underrunBlocks_ = 0;
  uint64_t slotsSkipped_ = 0;
  bool lastBlockUnderran_ = false;
};

}  // namespace tgvoip
