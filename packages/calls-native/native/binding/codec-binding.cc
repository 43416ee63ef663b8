// exports.codec: OpusEncoder, OpusDecoder and AudioJitterBuffer. The libtgvoip engine runs
// the same C++ inside its engine thread; these wrappers let a JS-driven engine (tgcalls v2)
// and the tests use it. Argument types are checked again in TypeScript, which turns the
// errors thrown here into typed ones.

#include "binding/codec-binding.h"

#include <opus.h>

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "binding/protocol-binding-convert.h"
#include "controller/audio-receiver.h"
#include "engine/spsc-ring.h"
#include "opus/opus-decoder.h"
#include "opus/opus-encoder.h"

namespace tgvoip {
namespace {

using binding::bytesArg;
using binding::numberArg;
using binding::toJs;
using binding::u32Field;

constexpr size_t kOutputFrame = 960;                         // 20 ms: the engine boundary's frame
constexpr size_t kOutputRingSamples = opus::kSampleRate * 2;  // 2 s between two pulls is plenty

Napi::Error closedError(Napi::Env env) { return Napi::Error::New(env, "codec: closed"); }

Napi::Error opusError(Napi::Env env, int code) {
  Napi::Error error = Napi::Error::New(env, std::string("opus: ") + opus_strerror(code));
  error.Value().Set("opusCode", Napi::Number::New(env, code));
  return error;
}

Napi::Int16Array pcmToJs(Napi::Env env, const int16_t* pcm, int samples) {
  Napi::Int16Array out = Napi::Int16Array::New(env, static_cast<size_t>(samples));
  std::copy(pcm, pcm + samples, out.Data());
  return out;
}

Napi::Value resultToJs(Napi::Env env, const int16_t* pcm, int result) {
  if (result < 0) throw opusError(env, result);
  return pcmToJs(env, pcm, result);
}

int samplesArg(const Napi::CallbackInfo& info, size_t index) {
  if (info[index].IsUndefined()) return opus::kFrameSamples;
  const double samples = numberArg(info, index, "samples");
  if (samples < 1 || samples > opus::kMaxFrameSamples) {
    throw Napi::RangeError::New(info.Env(), "samples must be 1..5760");
  }
  return static_cast<int>(samples);
}

double nowArg(const Napi::CallbackInfo& info, size_t index) { return numberArg(info, index, "now"); }

class OpusDecoderWrap : public Napi::ObjectWrap<OpusDecoderWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "OpusDecoder",
                       {InstanceMethod("decode", &OpusDecoderWrap::Decode),
                        InstanceMethod("decodeFec", &OpusDecoderWrap::DecodeFec),
                        InstanceMethod("conceal", &OpusDecoderWrap::Conceal),
                        InstanceMethod("reset", &OpusDecoderWrap::Reset),
                        InstanceMethod("close", &OpusDecoderWrap::Close),
                        StaticMethod("packetSamples", &OpusDecoderWrap::PacketSamples)});
  }

  // new OpusDecoder({ frameSamples? }): frameSamples 0 (default) decodes any duration.
  explicit OpusDecoderWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<OpusDecoderWrap>(info) {
    int frameSamples = 0;
    if (info[0].IsObject()) frameSamples = static_cast<int>(u32Field(info[0].As<Napi::Object>(), "frameSamples", 0));
    int error = 0;
    decoder_ = opus::Decoder::create(&error, frameSamples);
    if (!decoder_) throw opusError(info.Env(), error);
  }

 private:
  opus::Decoder& decoder(Napi::Env env) {
    if (!decoder_) throw closedError(env);
    return *decoder_;
  }
  // PCM goes through a stack buffer: a member would stay allocated after close() until GC.
  Napi::Value Decode(const Napi::CallbackInfo& info) {
    const protocol::Bytes packet = bytesArg(info, 0, "packet");
    int16_t pcm[opus::kMaxFrameSamples];
    return resultToJs(info.Env(), pcm, decoder(info.Env()).decode(packet, pcm, opus::kMaxFrameSamples));
  }
  Napi::Value DecodeFec(const Napi::CallbackInfo& info) {
    const protocol::Bytes packet = bytesArg(info, 0, "nextPacket");
    int16_t pcm[opus::kMaxFrameSamples];
    return resultToJs(info.Env(), pcm, decoder(info.Env()).decodeFec(packet, pcm, samplesArg(info, 1)));
  }
  Napi::Value Conceal(const Napi::CallbackInfo& info) {
    int16_t pcm[opus::kMaxFrameSamples];
    return resultToJs(info.Env(), pcm, decoder(info.Env()).conceal(pcm, samplesArg(info, 0)));
  }
  Napi::Value Reset(const Napi::CallbackInfo& info) {
    decoder(info.Env()).reset();
    return info.Env().Undefined();
  }
  Napi::Value Close(const Napi::CallbackInfo& info) {
    decoder_.reset();
    return info.Env().Undefined();
  }
  static Napi::Value PacketSamples(const Napi::CallbackInfo& info) {
    const protocol::Bytes packet = bytesArg(info, 0, "packet");
    return Napi::Number::New(info.Env(), opus::Decoder::packetSamples(packet));
  }

  std::unique_ptr<opus::Decoder> decoder_;
};

// One encoder shared by its wrapper and the encodes in flight on libuv's thread pool: close()
// drops the wrapper's reference, so a job that is still running keeps the libopus state
// alive until it finishes. The mutex orders pool jobs against settings changed meanwhile.
struct SharedEncoder {
  std::mutex mutex;
  std::unique_ptr<opus::Encoder> encoder;
};

// OpusEncoder.encodeBatch(): one frame for each of several encoders, encoded one after
// another in a single job on libuv's thread pool. An engine that drives many calls from the
// JS thread (tgcalls v2) hands over all the frames due at once: the JS thread keeps its time
// for networking and playout, and pays for one job instead of one per frame (a job costs
// the JS thread ~50 us, a fifth of the encode it saves). Frames are copied in.
class EncodeBatchJob : public Napi::AsyncWorker {
 public:
  struct Item {
    std::shared_ptr<SharedEncoder> target;  // null: the encoder was closed
    std::vector<int16_t> pcm;
    protocol::Bytes packet;
    int result = 0;
  };

  EncodeBatchJob(Napi::Env env, std::vector<Item> items)
      : Napi::AsyncWorker(env, "tgvoip.opusEncodeBatch"),
        items_(std::move(items)),
        deferred_(Napi::Promise::Deferred::New(env)) {
    // Allocated here, on the JS thread: a pool thread that mallocs gets its own glibc arena
    // (megabytes of RSS for a few hundred bytes of packet).
    for (Item& item : items_) item.packet.reserve(opus::kMaxPacketSize);
  }

  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    for (Item& item : items_) {
      if (!item.target) continue;
      std::lock_guard<std::mutex> lock(item.target->mutex);
      item.result = item.target->encoder->encode(item.pcm.data(), static_cast<int>(item.pcm.size()), item.packet);
    }
  }
  // One Buffer per frame, or null where the encoder was closed or libopus refused the frame.
  void OnOK() override {
    Napi::Env env = Env();
    Napi::Array out = Napi::Array::New(env, items_.size());
    for (size_t i = 0; i < items_.size(); i++) {
      const Item& item = items_[i];
      out.Set(static_cast<uint32_t>(i), item.target && item.result >= 0 ? Napi::Value(toJs(env, item.packet)) : env.Null());
    }
    deferred_.Resolve(out);
  }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  std::vector<Item> items_;
  Napi::Promise::Deferred deferred_;
};

// Marks the JS objects of OpusEncoderWrap, so encodeBatch() never unwraps another class.
constexpr napi_type_tag kEncoderTag = {0x7467766f69704f70ULL, 0x7573456e636f6465ULL};

class OpusEncoderWrap : public Napi::ObjectWrap<OpusEncoderWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "OpusEncoder",
                       {InstanceMethod("encode", &OpusEncoderWrap::Encode),
                        InstanceMethod("setBitrate", &OpusEncoderWrap::SetBitrate),
                        InstanceMethod("setPacketLossPercent", &OpusEncoderWrap::SetPacketLoss),
                        InstanceMethod("setInbandFec", &OpusEncoderWrap::SetInbandFec),
                        InstanceMethod("close", &OpusEncoderWrap::Close),
                        StaticMethod("encodeBatch", &OpusEncoderWrap::EncodeBatch)});
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
    shared_ = std::make_shared<SharedEncoder>();
    shared_->encoder = opus::Encoder::create(settings, &error);
    if (!shared_->encoder) throw opusError(info.Env(), error);
    if (napi_type_tag_object(info.Env(), info.This(), &kEncoderTag) != napi_ok) {
      throw Napi::Error::New(info.Env(), "codec: cannot tag the encoder");
    }
  }

 private:
  // Locks out pool jobs for the duration of one synchronous call.
  class Locked {
   public:
    Locked(Napi::Env env, const std::shared_ptr<SharedEncoder>& shared) {
      if (!shared) throw closedError(env);
      lock_ = std::unique_lock<std::mutex>(shared->mutex);
      encoder_ = shared->encoder.get();
    }
    opus::Encoder* operator->() const { return encoder_; }

   private:
    std::unique_lock<std::mutex> lock_;
    opus::Encoder* encoder_ = nullptr;
  };

  static Napi::Int16Array pcmArg(Napi::Env env, const Napi::Value& value, const char* message) {
    if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_int16_array) {
      throw Napi::TypeError::New(env, message);
    }
    return value.As<Napi::Int16Array>();
  }
  Napi::Value Encode(const Napi::CallbackInfo& info) {
    const Napi::Int16Array pcm = pcmArg(info.Env(), info[0], "pcm must be an Int16Array");
    protocol::Bytes packet;
    const int result = Locked(info.Env(), shared_)->encode(pcm.Data(), static_cast<int>(pcm.ElementLength()), packet);
    if (result < 0) throw opusError(info.Env(), result);
    return toJs(info.Env(), packet);
  }
  // OpusEncoder.encodeBatch(encoders: OpusEncoder[], frames: Int16Array[]) -> Promise<(Buffer | null)[]>.
  // An encoder listed twice encodes its frames in list order.
  static Napi::Value EncodeBatch(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsArray() || !info[1].IsArray()) throw Napi::TypeError::New(env, "encodeBatch(encoders[], frames[])");
    const Napi::Array encoders = info[0].As<Napi::Array>();
    const Napi::Array frames = info[1].As<Napi::Array>();
    if (encoders.Length() != frames.Length()) throw Napi::TypeError::New(env, "encoders and frames differ in length");
    std::vector<EncodeBatchJob::Item> items(encoders.Length());
    for (uint32_t i = 0; i < encoders.Length(); i++) {
      const Napi::Value encoder = encoders.Get(i);
      bool isEncoder = false;
      if (encoder.IsObject()) napi_check_object_type_tag(env, encoder, &kEncoderTag, &isEncoder);
      if (!isEncoder) throw Napi::TypeError::New(env, "encoders must be OpusEncoder objects");
      const Napi::Int16Array pcm = pcmArg(env, frames.Get(i), "frames must be Int16Arrays");
      items[i].target = Unwrap(encoder.As<Napi::Object>())->shared_;
      items[i].pcm.assign(pcm.Data(), pcm.Data() + pcm.ElementLength());
    }
    auto* job = new EncodeBatchJob(env, std::move(items));
    const Napi::Promise promise = job->promise();
    job->Queue();  // the job deletes itself after OnOK/OnError
    return promise;
  }
  Napi::Value SetBitrate(const Napi::CallbackInfo& info) {
    const int bitrate = static_cast<int>(numberArg(info, 0, "bitrate"));
    return Napi::Boolean::New(info.Env(), Locked(info.Env(), shared_)->setBitrate(bitrate));
  }
  Napi::Value SetPacketLoss(const Napi::CallbackInfo& info) {
    const int percent = static_cast<int>(numberArg(info, 0, "percent"));
    return Napi::Boolean::New(info.Env(), Locked(info.Env(), shared_)->setPacketLossPercent(percent));
  }
  Napi::Value SetInbandFec(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), Locked(info.Env(), shared_)->setInbandFec(info[0].ToBoolean()));
  }
  Napi::Value Close(const Napi::CallbackInfo& info) {
    shared_.reset();
    return info.Env().Undefined();
  }

  std::shared_ptr<SharedEncoder> shared_;
};

// The libtgvoip engine's receive path (jitter buffer, Opus decode, in-band FEC, PLC) fed
// with RTP payloads: pts are 48 kHz samples, packets may last 2.5..120 ms, and the output
// is pulled as 20 ms frames on the caller's clock (`now` in seconds, monotonic).
class AudioJitterBufferWrap : public Napi::ObjectWrap<AudioJitterBufferWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "AudioJitterBuffer",
                       {InstanceMethod("push", &AudioJitterBufferWrap::Push),
                        InstanceMethod("pull", &AudioJitterBufferWrap::Pull),
                        InstanceMethod("setPeerEnabled", &AudioJitterBufferWrap::SetPeerEnabled),
                        InstanceMethod("stats", &AudioJitterBufferWrap::Stats),
                        InstanceMethod("close", &AudioJitterBufferWrap::Close)});
  }

  // new AudioJitterBuffer({ initialDelayMs?, maxDelayMs? })
  explicit AudioJitterBufferWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<AudioJitterBufferWrap>(info) {
    JitterConfig config;
    config.ptsRate = opus::kSampleRate;
    config.frameDuration = kOutputFrame;
    uint32_t initialDelayMs = 60, maxDelayMs = 600;
    if (info[0].IsObject()) {
      const Napi::Object object = info[0].As<Napi::Object>();
      initialDelayMs = u32Field(object, "initialDelayMs", initialDelayMs);
      maxDelayMs = u32Field(object, "maxDelayMs", maxDelayMs);
    }
    config.initialDelay = initialDelayMs / 1000.0;
    config.maxDelay = maxDelayMs / 1000.0;
    // The libtgvoip defaults (20 slots, 20 losses of 60 ms) as spans of 20 ms packets;
    // the receiver rescales them when the peer's packets last longer.
    config.maxSlots = 60;
    config.lossesToReset = 60;
    ring_ = std::make_shared<SpscRing>(kOutputRingSamples);
    receiver_ = std::make_unique<AudioReceiver>(ring_, config, true);
  }

 private:
  AudioReceiver& receiver(Napi::Env env) {
    if (!receiver_) throw closedError(env);
    return *receiver_;
  }
  // push(pts: uint32 in 48 kHz samples, payload: Uint8Array, now: seconds)
  Napi::Value Push(const Napi::CallbackInfo& info) {
    const uint32_t pts = static_cast<uint32_t>(numberArg(info, 0, "pts"));
    const protocol::Bytes payload = bytesArg(info, 1, "payload");
    receiver(info.Env()).onPacket(pts, payload, nowArg(info, 2));
    return info.Env().Undefined();
  }
  // pull(now: seconds) -> Int16Array[] of 960 samples: the audio due by `now`.
  Napi::Value Pull(const Napi::CallbackInfo& info) {
    AudioReceiver& rx = receiver(info.Env());
    rx.tick(nowArg(info, 0), false);
    const size_t frames = ring_->available() / kOutputFrame;
    Napi::Array out = Napi::Array::New(info.Env(), frames);
    for (size_t i = 0; i < frames; i++) {
      Napi::Int16Array frame = Napi::Int16Array::New(info.Env(), kOutputFrame);
      ring_->read(frame.Data(), kOutputFrame);
      out.Set(static_cast<uint32_t>(i), frame);
    }
    return out;
  }
  Napi::Value SetPeerEnabled(const Napi::CallbackInfo& info) {
    receiver(info.Env()).setPeerEnabled(info[0].ToBoolean());
    return info.Env().Undefined();
  }
  Napi::Value Stats(const Napi::CallbackInfo& info) {
    const AudioReceiver& rx = receiver(info.Env());
    const ReceiveCounters& c = rx.counters();
    const JitterBuffer& jitter = rx.jitter();
    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("framesPrimary", Napi::Number::New(env, static_cast<double>(c.primary)));
    out.Set("framesInbandFec", Napi::Number::New(env, static_cast<double>(c.inbandFec)));
    out.Set("framesConcealed", Napi::Number::New(env, static_cast<double>(c.concealed)));
    out.Set("framesSilence", Napi::Number::New(env, static_cast<double>(c.silence)));
    out.Set("packetsInvalid", Napi::Number::New(env, static_cast<double>(c.invalid)));
    out.Set("packetsLate", Napi::Number::New(env, static_cast<double>(jitter.lateCount())));
    out.Set("packetsLost", Napi::Number::New(env, static_cast<double>(jitter.lostCount())));
    out.Set("lossRate", Napi::Number::New(env, jitter.lossRate()));
    out.Set("delayMs", Napi::Number::New(env, jitter.delay() * 1000));
    out.Set("packetMs", Napi::Number::New(env, jitter.config().frameSeconds() * 1000));
    return out;
  }
  Napi::Value Close(const Napi::CallbackInfo& info) {
    receiver_.reset();
    ring_.reset();
    return info.Env().Undefined();
  }

  std::shared_ptr<SpscRing> ring_;
  std::unique_ptr<AudioReceiver> receiver_;
};

}  // namespace

void InitCodecBinding(Napi::Env env, Napi::Object exports) {
  Napi::Object codec = Napi::Object::New(env);
  codec.Set("OpusEncoder", OpusEncoderWrap::Define(env));
  codec.Set("OpusDecoder", OpusDecoderWrap::Define(env));
  codec.Set("AudioJitterBuffer", AudioJitterBufferWrap::Define(env));
  exports.Set("codec", codec);
}

}  // namespace tgvoip
