#include "controller/audio-sender.h"

#include <algorithm>
#include <vector>

#include "protocol/constants.h"

namespace tgvoip {

namespace {
constexpr int kSecondaryBitrate = 8000;
constexpr double kProducerJitterMargin = 0.008;
// Queue-delay trimming acts only on a pattern that held for this many sends (1.5 s)...
constexpr int kSteadySends = 25;
// ...and only when blocks wait longer than this for the clock.
constexpr double kMaxSlack = 0.015;
// A live producer's clock may wait one grid point more for a less crowded one: 5 ms of
// delay at most, within the slack trimQueueDelay() leaves alone.
constexpr int kLiveClockChoices = 2;
// How long a block the producer is still writing may hold its packet back.
constexpr double kUnderrunGrace = 0.025;
// Send slots that may go out back to back after the engine fell behind the clock.
constexpr int kMaxSlotsBehind = 2;
// One 60 ms block of input samples: what each packet encodes.
constexpr size_t kBlock = static_cast<size_t>(opus::kFrameSamples);
constexpr int kFullComplexity = opus::EncoderSettings{}.complexity;
// Half the CPU of complexity 10 for 60 ms voice at 16 kbps on x86-64 (0.31 against 0.61 ms
// a frame), and what WebRTC uses by default on phones.
constexpr int kReducedComplexity = 5;
// Three engine ticks: more than a late timer or a busy moment of the scheduler.
constexpr double kOverloadBehind = 0.015;
}  // namespace

AudioSender::AudioSender(std::shared_ptr<SpscRing> input, int bitrate, SendSlots* slots)
    : input_(std::move(input)), pcm_(opus::kFrameSamples), bitrate_(bitrate), slots_(slots) {
  opus::EncoderSettings settings;
  settings.bitrate = bitrate;
  encoder_ = opus::Encoder::create(settings);
}

void AudioSender::observe(double now) {
  skipMissedSlots(now);
  size_t available = input_->available();
  if (available == 0) {
    idle_ = true;
    return;
  }
  if (!idle_) return;
  idle_ = false;
  // Assume a real-time producer: the block completes once the missing samples have
  // been written, give or take the producer's timer jitter.
  double untilComplete = available >= kBlock
                             ? 0
                             : static_cast<double>(opus::kFrameSamples - available) / opus::kSampleRate;
  setClock(now + untilComplete + kProducerJitterMargin, kLiveClockChoices);
}

void AudioSender::setClock(double earliest, int choices) {
  if (!slots_) {
    nextSendAt_ = earliest;
    return;
  }
  releaseClock();
  SendSlots::Booking booking = slots_->book(earliest, choices);
  nextSendAt_ = booking.at;
  clockDelay_ = booking.delay;
  booked_ = true;
}

void AudioSender::releaseClock() {
  if (booked_) slots_->release(nextSendAt_);
  booked_ = false;
}

void AudioSender::trimQueueDelay(double now) {
  size_t level = input_->available();
  // A partial block completes (in real time) well before the clock will take it.
  double completesAt = now + static_cast<double>(kBlock - std::min(level, kBlock)) / opus::kSampleRate;
  double slack = nextSendAt_ - clockDelay_ - completesAt;
  slackCount_ = (level > 0 && level < kBlock && slack > kMaxSlack) ? slackCount_ + 1 : 0;
  // A whole block still waiting after every send: a live producer is that far behind
  // (after a hiccup, e.g. the engine or the whole machine stalled). Only for declared live
  // input: a buffered producer looks the same. Every whole block waiting then is stale,
  // and all go at once: a backlog of a second would otherwise take 25 s to drain.
  behindCount_ = (liveInput_ && level >= kBlock) ? behindCount_ + 1 : 0;
  if (behindCount_ >= kSteadySends) {
    staleBlocksDropped_ += level / kBlock;
    input_->discard(level / kBlock * kBlock);
    behindCount_ = 0;
  }
  // Only a partial block says "real-time producer": a producer that writes ahead keeps
  // whole blocks queued, and must not speed the clock up.
  if (slackCount_ >= kSteadySends) {
    setClock(completesAt + kProducerJitterMargin, kLiveClockChoices);
    slackCount_ = 0;
  }
}

void AudioSender::skipMissedSlots(double now) {
  // A stall of a block or two is best absorbed by sending the missed packets back to back:
  // the peer's jitter buffer takes them as a few late ones. Further behind, because the
  // thread stalled or carries more calls than its CPU can encode, catching up would make
  // every tick longer than the last (each call encoding several blocks per tick) and
  // send audio the peer can only drop as too late; and teardown posted to the thread
  // would wait behind those ticks for seconds. The missed slots are skipped instead,
  // leaving the newest due: pts moves on with them, so the peer conceals a gap of that
  // length rather than hearing everything after it late.
  double lag = now - nextSendAt_;
  if (lag < kMaxSlotsBehind * protocol::kAudioFrameSeconds) return;
  auto missed = static_cast<uint32_t>(lag / protocol::kAudioFrameSeconds);
  nextSendAt_ += missed * protocol::kAudioFrameSeconds;
  pts_ += missed * static_cast<uint32_t>(protocol::kAudioFrameDurationMs);
  slotsSkipped_ += missed;
  secondaryFifo_.clear();  // its copies are of the frames before the gap
  // A live producer kept writing through the gap: that audio belongs to the skipped
  // slots. A buffered producer's audio is kept, and resumes after the gap.
  if (liveInput_) input_->discard(std::min<size_t>(missed, input_->available() / kBlock) * kBlock);
}

bool AudioSender::due(double now) const {
  if (now < nextSendAt_) return false;
  // A real-time producer late by a hiccup (a timer firing late, a GC pause) is in the
  // middle of the block. Silence now would push all of its later audio back by a whole
  // 60 ms block, until the stale-block check drops a block 1.5 s later; waiting a little
  // sends this one packet up to 25 ms late instead, which the peer's jitter buffer
  // absorbs. Not twice in a row: a producer that stopped mid-block must not delay every
  // packet after it.
  size_t available = input_->available();
  bool midBlock = available > 0 && available < kBlock;
  return !midBlock || lastBlockUnderran_ || now >= nextSendAt_ + kUnderrunGrace;
}

void AudioSender::skip(double now) {
  // Muted audio is consumed at the pace it would have been sent, and thrown away: a
  // producer paced by the ring keeps writing meanwhile, and whatever piled up here
  // would be heard late after unmuting and delay everything played after it.
  while (nextSendAt_ <= now) {
    input_->discard(kBlock);
    nextSendAt_ += protocol::kAudioFrameSeconds;
  }
}

void AudioSender::adaptToEngineLoad(double behind) {
  // A thread that carries nearly as many calls as its CPU can encode falls behind now and
  // then (a burst of work, a CPU taken by another process) and catches up slowly, with
  // only its spare CPU: for that long every packet it sends is late, and the peers drop
  // them as lost. Cheaper encodes while it is behind let it catch up within a few ticks.
  bool reduce = behind > kOverloadBehind;
  if (reduce == reducedComplexity_) return;
  reducedComplexity_ = reduce;
  if (encoder_) encoder_->setComplexity(wantedComplexity());
  if (secondary_) secondary_->setComplexity(wantedComplexity());
}

int AudioSender::wantedComplexity() const { return reducedComplexity_ ? kReducedComplexity : kFullComplexity; }

bool AudioSender::encodeNext(double now, protocol::Bytes& packet, std::vector<protocol::Bytes>& fec, uint32_t& pts) {
  // The wire keeps a strict 60 ms clock whatever the producer does. A block that is not
  // complete yet stays in the ring and silence goes out instead: consuming part of it
  // would misalign every later block against a steady producer.
  lastBlockUnderran_ = input_->available() < kBlock;
  if (!lastBlockUnderran_) {
    input_->read(pcm_.data(), opus::kFrameSamples);
  } else {
    underrunBlocks_++;
    std::fill(pcm_.begin(), pcm_.end(), 0);
  }
  // After a short engine stall the missed blocks (two at most, see skipMissedSlots) go
  // out back to back: skipping them would add the stall to every later frame's delay.
  nextSendAt_ += protocol::kAudioFrameSeconds;
  trimQueueDelay(now);
  if (!encoder_) return false;
  if (encoder_->encode(pcm_.data(), opus::kFrameSamples, packet) <= 1) return false;
  fec.clear();
  if (extraEcLevel_ > 0 && secondary_) {
    protocol::Bytes copy;
    if (secondary_->encode(pcm_.data(), opus::kFrameSamples, copy, opus::kMaxFecPacketSize) > 0) {
      secondaryFifo_.push_back(std::move(copy));
      if (secondaryFifo_.size() > 4) secondaryFifo_.pop_front();
    }
    size_t take = std::min(secondaryFifo_.size(), static_cast<size_t>(extraEcLevel_));
    fec.assign(secondaryFifo_.end() - static_cast<long>(take), secondaryFifo_.end());
  }
  pts = pts_;
  pts_ += protocol::kAudioFrameDurationMs;
  framesEncoded_++;
  if (reducedComplexity_) reducedComplexityFrames_++;
  return true;
}

void AudioSender::setBitrate(int bitrate) {
  if (bitrate == bitrate_) return;
  bitrate_ = bitrate;
  if (encoder_) encoder_->setBitrate(bitrate);
}

void AudioSender::setExtraEcLevel(int level) {
  extraEcLevel_ = level;
  if (level > 0 && !secondary_) {
    opus::EncoderSettings settings;
    settings.bitrate = kSecondaryBitrate;
    settings.inbandFec = false;
    settings.complexity = wantedComplexity();
    secondary_ = opus::Encoder::create(settings);
  } else if (level == 0) {
    secondary_.reset();
    secondaryFifo_.clear();
  }
}

void AudioSender::setExpectedLoss(int percent) {
  if (encoder_) encoder_->setPacketLossPercent(std::min(percent, 20));
}

}  // namespace tgvoip
