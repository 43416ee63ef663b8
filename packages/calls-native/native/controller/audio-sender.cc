#include "controller/audio-sender.h"

#include <algorithm>

namespace tgvoip {

namespace {
constexpr double kFrameSeconds = 0.060;
// How long a partly written block may be awaited before it is padded with silence.
constexpr double kMaxPhaseWait = 0.045;
constexpr int kSecondaryBitrate = 8000;
constexpr double kOnTimeTolerance = 0.006;
}  // namespace

AudioSender::AudioSender(std::shared_ptr<SpscRing> input, int bitrate)
    : input_(std::move(input)), pcm_(opus::kFrameSamples), bitrate_(bitrate) {
  opus::EncoderSettings settings;
  settings.bitrate = bitrate;
  encoder_ = opus::Encoder::create(settings);
}

bool AudioSender::due(double now) const {
  if (now < nextSendAt_) return false;
  size_t available = input_->available();
  if (available >= static_cast<size_t>(opus::kFrameSamples) || available == 0) return true;
  return now - nextSendAt_ >= kMaxPhaseWait;
}

void AudioSender::skip(double now) {
  while (nextSendAt_ <= now) nextSendAt_ += kFrameSeconds;
}

bool AudioSender::encodeNext(double now, protocol::Bytes& packet, std::vector<protocol::Bytes>& fec, uint32_t& pts) {
  size_t got = input_->read(pcm_.data(), opus::kFrameSamples);
  if (got < static_cast<size_t>(opus::kFrameSamples)) {
    samplesUnderrun_ += opus::kFrameSamples - got;
    std::fill(pcm_.begin() + static_cast<long>(got), pcm_.end(), 0);
  }
  // On time (within a tick): keep the exact 60 ms clock. Late because we waited for the
  // producer: move the clock's phase to the producer's. Later still (engine stall):
  // keep the clock, so the backlog is sent at once instead of the stream drifting.
  double lateness = now - nextSendAt_;
  if (lateness > kOnTimeTolerance && lateness <= kMaxPhaseWait + kOnTimeTolerance) {
    nextSendAt_ = now + kFrameSeconds;
  } else {
    nextSendAt_ += kFrameSeconds;
  }
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
  pts_ += 60;
  framesEncoded_++;
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
