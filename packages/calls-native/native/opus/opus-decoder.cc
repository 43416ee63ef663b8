#include "opus/opus-decoder.h"

#include <opus.h>

namespace tgvoip::opus {

std::unique_ptr<Decoder> Decoder::create(int* error, int frameSamples) {
  int status = OPUS_OK;
  ::OpusDecoder* raw = opus_decoder_create(kSampleRate, 1, &status);
  if (error) *error = status;
  if (status != OPUS_OK || !raw) return nullptr;
  return std::unique_ptr<Decoder>(new Decoder(raw, frameSamples));
}

Decoder::~Decoder() { opus_decoder_destroy(decoder_); }

int Decoder::decode(protocol::ByteView packet, int16_t* pcm, int maxSamples) {
  // An empty packet would mean "concealment" to libopus; callers must ask for that explicitly.
  if (packet.size == 0) return OPUS_INVALID_PACKET;
  const int samples = packetSamples(packet);
  if (samples < 0) return samples;
  if (frameSamples_ != 0 && samples != frameSamples_) return OPUS_INVALID_PACKET;
  return opus_decode(decoder_, packet.data, static_cast<opus_int32>(packet.size), pcm, maxSamples, 0);
}

int Decoder::decodeFec(protocol::ByteView nextPacket, int16_t* pcm, int samples) {
  if (nextPacket.size == 0) return conceal(pcm, samples);
  return opus_decode(decoder_, nextPacket.data, static_cast<opus_int32>(nextPacket.size), pcm,
                     samples, 1);
}

int Decoder::conceal(int16_t* pcm, int samples) {
  return opus_decode(decoder_, nullptr, 0, pcm, samples, 0);
}

void Decoder::reset() { opus_decoder_ctl(decoder_, OPUS_RESET_STATE); }

int Decoder::packetSamples(protocol::ByteView packet) {
  if (packet.size == 0) return OPUS_INVALID_PACKET;
  return opus_packet_get_nb_samples(packet.data, static_cast<opus_int32>(packet.size), kSampleRate);
}

}  // namespace tgvoip::opus
