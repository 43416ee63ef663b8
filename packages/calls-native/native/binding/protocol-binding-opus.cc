// internal.OpusEncoder / internal.OpusDecoder: the Opus wrappers for tests and tools.

#include <opus.h>

#include "binding/protocol-binding-convert.h"
#include "binding/protocol-binding.h"
#include "opus/opus-decoder.h"
#include "opus/opus-encoder.h"

namespace tgvoip::binding {
namespace {

Napi::Int16Array pcmToJs(Napi::Env env, const int16_t* pcm, int samples) {
  Napi::Int16Array out = Napi::Int16Array::New(env, static_cast<size_t>(samples));
  std::copy(pcm, pcm + samples, out.Data());
  return out;
}

int samplesArg(const Napi::CallbackInfo& info, size_t index) {
  if (info[index].IsUndefined()) return opus::kFrameSamples;
  const double samples = numberArg(info, index, "samples");
  if (samples < 1 || samples > opus::kFrameSamples) {
    throw Napi::RangeError::New(info.Env(), "samples must be 1..2880");
  }
  return static_cast<int>(samples);
}

Napi::Value resultToJs(Napi::Env env, const int16_t* pcm, int result) {
  if (result < 0) throw Napi::Error::New(env, std::string("opus: ") + opus_strerror(result));
  return pcmToJs(env, pcm, result);
}

class OpusDecoderWrap : public Napi::ObjectWrap<OpusDecoderWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "OpusDecoder",
                       {InstanceMethod("decode", &OpusDecoderWrap::Decode),
                        InstanceMethod("decodeFec", &OpusDecoderWrap::DecodeFec),
                        InstanceMethod("conceal", &OpusDecoderWrap::Conceal),
                        InstanceMethod("reset", &OpusDecoderWrap::Reset),
                        StaticMethod("packetSamples", &OpusDecoderWrap::PacketSamples)});
  }

  explicit OpusDecoderWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<OpusDecoderWrap>(info) {
    int error = 0;
    decoder_ = opus::Decoder::create(&error);
    if (!decoder_) throw Napi::Error::New(info.Env(), std::string("opus: ") + opus_strerror(error));
  }

 private:
  Napi::Value Decode(const Napi::CallbackInfo& info) {
    const protocol::Bytes packet = bytesArg(info, 0, "packet");
    return resultToJs(info.Env(), pcm_, decoder_->decode(packet, pcm_, opus::kFrameSamples));
  }
  Napi::Value DecodeFec(const Napi::CallbackInfo& info) {
    const protocol::Bytes packet = bytesArg(info, 0, "nextPacket");
    return resultToJs(info.Env(), pcm_, decoder_->decodeFec(packet, pcm_, samplesArg(info, 1)));
  }
  Napi::Value Conceal(const Napi::CallbackInfo& info) {
    return resultToJs(info.Env(), pcm_, decoder_->conceal(pcm_, samplesArg(info, 0)));
  }
  Napi::Value Reset(const Napi::CallbackInfo& info) {
    decoder_->reset();
    return info.Env().Undefined();
  }
  static Napi::Value PacketSamples(const Napi::CallbackInfo& info) {
    const protocol::Bytes packet = bytesArg(info, 0, "packet");
    return Napi::Number::New(info.Env(), opus::Decoder::packetSamples(packet));
  }

  std::unique_ptr<opus::Decoder> decoder_;
  int16_t pcm_[opus::kFrameSamples];
};

class OpusEncoderWrap : public Napi::ObjectWrap<OpusEncoderWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "OpusEncoder",
                       {InstanceMethod("encode", &OpusEncoderWrap::Encode),
                        InstanceMethod("setBitrate", &OpusEncoderWrap::SetBitrate),
                        InstanceMethod("setPacketLossPercent", &OpusEncoderWrap::SetPacketLoss),
                        InstanceMethod("setInbandFec", &OpusEncoderWrap::SetInbandFec)});
  }

  // new OpusEncoder({ bitrate?, complexity?, inbandFec?, packetLossPercent? })
  explicit OpusEncoderWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<OpusEncoderWrap>(info) {
    opus::EncoderSettings settings;
    if (info[0].IsObject()) {
      const Napi::Object object = info[0].As<Napi::Object>();
      settings.bitrate = static_cast<int>(u32Field(object, "bitrate", settings.bitrate));
      settings.complexity = static_cast<int>(u32Field(object, "complexity", settings.complexity));
      settings.packetLossPercent =
          static_cast<int>(u32Field(object, "packetLossPercent", settings.packetLossPercent));
      if (object.Get("inbandFec").IsBoolean()) settings.inbandFec = object.Get("inbandFec").ToBoolean();
    }
    int error = 0;
    encoder_ = opus::Encoder::create(settings, &error);
    if (!encoder_) throw Napi::Error::New(info.Env(), std::string("opus: ") + opus_strerror(error));
  }

 private:
  Napi::Value Encode(const Napi::CallbackInfo& info) {
    if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_int16_array) {
      throw Napi::TypeError::New(info.Env(), "pcm must be an Int16Array");
    }
    const Napi::Int16Array pcm = info[0].As<Napi::Int16Array>();
    protocol::Bytes packet;
    const int result = encoder_->encode(pcm.Data(), static_cast<int>(pcm.ElementLength()), packet);
    if (result < 0) throw Napi::Error::New(info.Env(), std::string("opus: ") + opus_strerror(result));
    return toJs(info.Env(), packet);
  }
  Napi::Value SetBitrate(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), encoder_->setBitrate(static_cast<int>(numberArg(info, 0, "bitrate"))));
  }
  Napi::Value SetPacketLoss(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(),
                              encoder_->setPacketLossPercent(static_cast<int>(numberArg(info, 0, "percent"))));
  }
  Napi::Value SetInbandFec(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), encoder_->setInbandFec(info[0].ToBoolean()));
  }

  std::unique_ptr<opus::Encoder> encoder_;
};

}  // namespace

void AddOpusClasses(Napi::Env env, Napi::Object internal) {
  internal.Set("OpusDecoder", OpusDecoderWrap::Define(env));
  internal.Set("OpusEncoder", OpusEncoderWrap::Define(env));
}

}  // namespace tgvoip::binding
