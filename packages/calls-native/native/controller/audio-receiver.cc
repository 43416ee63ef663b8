#include "controller/audio-receiver.h"

#include <algorithm>


namespace tgvoip {

namespace {
constexpr size_t kSubframe = 960;  // 20 ms
constexpr double kAdaptInterval = 0.1;
}  // namespace

AudioReceiver::AudioReceiver(std::shared_ptr<SpscRing> output, const JitterConfig& config, bool anyPacketDuration)
    : output_(std::move(output)),
      jitter_(config),
      decoder_(opus::Decoder::create(nullptr, anyPacketDuration ? 0 : opus::kFrameSamples)),
      pcm_(opus::kMaxFrameSamples),
      anyPacketDuration_(anyPacketDuration) {}

int AudioReceiver::frameSamples() const {
  return static_cast<int>(jitter_.config().frameSeconds() * opus::kSampleRate + 0.5);
}

void AudioReceiver::onPacket(uint32_t pts, protocol::ByteView data, double now) {
  if (!peerEnabled_) return;
  if (anyPacketDuration_) {
    const int samples = opus::Decoder::packetSamples(data);
    if (samples <= 0 || samples > opus::kMaxFrameSamples) {
      counters_.invalid++;
      return;
    }
    followPacketDuration(samples);
  }
  jitter_.putPrimary(pts, data, now);
}

void AudioReceiver::followPacketDuration(int samples) {
  JitterConfig config = jitter_.config();
  const uint32_t duration = static_cast<uint32_t>(samples);
  if (duration == config.frameDuration) return;
  // Slot and loss limits stand for a span of time: keep the span at the new duration.
  const double scale = static_cast<double>(config.frameDuration) / duration;
  config.maxSlots = std::max<size_t>(4, static_cast<size_t>(config.maxSlots * scale + 0.5));
  config.lossesToReset = std::max(3, static_cast<int>(config.lossesToReset * scale + 0.5));
  config.frameDuration = duration;
  jitter_ = JitterBuffer(config);
}

void AudioReceiver::onFecBlock(uint32_t pts, const std::vector<protocol::FecEntry>& copies) {
  if (!peerEnabled_) return;
  const auto opusFrame = [this](const protocol::FecEntry& copy) {
    return opus::Decoder::packetSamples(copy.data) == frameSamples();
  };
  if (!peerFecIsGarbage_) peerFecIsGarbage_ = !std::all_of(copies.begin(), copies.end(), opusFrame);
  for (const auto& copy : copies) {
    if (copy.pts == pts) continue;  // the primary frame itself is in the same packet
    if (peerFecIsGarbage_) {
      counters_.fecRejected++;
    } else {
      jitter_.putFec(copy.pts, copy.data);
    }
  }
}

void AudioReceiver::setPeerEnabled(bool enabled) {
  if (peerEnabled_ == enabled) return;
  peerEnabled_ = enabled;
  // A muted peer stops playback at once rather than after a run of concealed frames.
  if (!enabled) jitter_.reset();
}

void AudioReceiver::push(const int16_t* pcm, size_t count) {
  size_t written = output_->write(pcm, count);
  counters_.overflow += count - written;
}

bool AudioReceiver::tick(double now, bool peerExtraEc) {
  bool wrote = false;
  if (!jitter_.started()) {
    // Silence on our own frame clock until the peer's audio starts.
    if (nextSilenceAt_ == 0) nextSilenceAt_ = now;
    while (now >= nextSilenceAt_) {
      std::fill(pcm_.begin(), pcm_.end(), 0);
      push(pcm_.data(), static_cast<size_t>(frameSamples()));
      counters_.silence++;
      nextSilenceAt_ += jitter_.config().frameSeconds();
      wrote = true;
    }
    return wrote;
  }
  if (decoder_ && now - lastAdaptAt_ >= kAdaptInterval) {
    lastAdaptAt_ = now;
    int steps = jitter_.adapt(now, peerExtraEc);
    for (int i = 0; i < steps; i++) {
      int n = decoder_->conceal(pcm_.data(), static_cast<int>(kSubframe));
      if (n > 0) push(pcm_.data(), static_cast<size_t>(n));
      wrote = true;
    }
    if (steps < 0) pendingDrop_ += kSubframe * static_cast<size_t>(-steps);
  }
  while (jitter_.isDue(now)) {
    decodeDue(jitter_.take());
    wrote = true;
  }
  if (!jitter_.started()) nextSilenceAt_ = now + jitter_.config().frameSeconds();
  return wrote;
}

double AudioReceiver::nextDeadline(double now) const {
  if (!jitter_.started()) return nextSilenceAt_ == 0 ? now : nextSilenceAt_;
  double next = jitter_.nextPlayTime();
  if (decoder_) next = std::min(next, lastAdaptAt_ + kAdaptInterval);
  return next;
}

void AudioReceiver::decodeDue(const JitterBuffer::Frame& frame) {
  if (!decoder_) return;
  int samples = -1;
  switch (frame.kind) {
    case JitterBuffer::Kind::Primary:
      samples = decoder_->decode(frame.data, pcm_.data(), static_cast<int>(pcm_.size()));
      if (samples > 0) counters_.primary++;
      break;
    case JitterBuffer::Kind::ExtraFec:
      // Checked again by decode(), which plays only a 60 ms Opus packet.
      samples = decoder_->decode(frame.data, pcm_.data(), static_cast<int>(pcm_.size()));
      if (samples > 0) {
        counters_.extraFec++;
      } else {
        counters_.fecRejected++;
      }
      break;
    case JitterBuffer::Kind::Missing:
      break;
  }
  if (samples <= 0) {
    // Kept in the buffer for its own turn: the next packet's in-band FEC describes this one.
    const protocol::Bytes* next = jitter_.peekPrimary(frame.pts + jitter_.config().frameDuration);
    if (next) {
      samples = decoder_->decodeFec(*next, pcm_.data(), frameSamples());
      if (samples > 0) counters_.inbandFec++;
    }
  }
  if (samples <= 0) {
    samples = decoder_->conceal(pcm_.data(), frameSamples());
    counters_.concealed++;
  }
  if (samples <= 0) return;
  size_t count = static_cast<size_t>(samples);
  size_t drop = std::min(pendingDrop_, count);
  pendingDrop_ -= drop;
  push(pcm_.data() + drop, count - drop);
}

}  // namespace tgvoip
