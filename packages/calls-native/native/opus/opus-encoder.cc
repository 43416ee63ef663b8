#include "opus/opus-encoder.h"

#include <opus.h>

namespace tgvoip::opus {

std::unique_ptr<Encoder> Encoder::create(const EncoderSettings& settings, int* error) {
  int status = OPUS_OK;
  ::OpusEncoder* raw = opus_encoder_create(kSampleRate, 1, OPUS_APPLICATION_VOIP, &status);
  if (error) *error = status;
  if (status != OPUS_OK || !raw) return nullptr;
  std::unique_ptr<Encoder> encoder(new Encoder(raw));
  opus_encoder_ctl(raw, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
  if (!encoder->setBitrate(settings.bitrate) || !encoder->setComplexity(settings.complexity) ||
      !encoder->setInbandFec(settings.inbandFec) ||
      !encoder->setPacketLossPercent(settings.packetLossPercent)) {
    if (error) *error = OPUS_BAD_ARG;
    return nullptr;
  }
  return encoder;
}

Encoder::~Encoder() { opus_encoder_destroy(encoder_); }

int Encoder::encode(const int16_t* pcm, int samples, protocol::Bytes& out, int maxPacketSize) {
  out.resize(static_cast<size_t>(maxPacketSize));
  const opus_int32 written = opus_encode(encoder_, pcm, samples, out.data(), maxPacketSize);
  out.resize(written > 0 ? static_cast<size_t>(written) : 0);
  return written;
}

bool Encoder::setBitrate(int bitsPerSecond) {
  if (opus_encoder_ctl(encoder_, OPUS_SET_BITRATE(bitsPerSecond)) != OPUS_OK) return false;
  bitrate_ = bitsPerSecond;
  return true;
}

bool Encoder::setComplexity(int complexity) {
  return opus_encoder_ctl(encoder_, OPUS_SET_COMPLEXITY(complexity)) == OPUS_OK;
}

int Encoder::complexity() const {
  opus_int32 complexity = -1;
  opus_encoder_ctl(encoder_, OPUS_GET_COMPLEXITY(&complexity));
  return complexity;
}

bool Encoder::setInbandFec(bool enabled) {
  return opus_encoder_ctl(encoder_, OPUS_SET_INBAND_FEC(enabled ? 1 : 0)) == OPUS_OK;
}

bool Encoder::setPacketLossPercent(int percent) {
  return opus_encoder_ctl(encoder_, OPUS_SET_PACKET_LOSS_PERC(percent)) == OPUS_OK;
}

}  // namespace tgvoip::opus
