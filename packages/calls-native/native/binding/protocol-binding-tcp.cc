// internal.TcpObfuscatedCodec: the §10.6 TCP transport codec, for tests and a TCP test relay.

#include "binding/protocol-binding-convert.h"
#include "binding/protocol-binding.h"
#include "protocol/tcp-obfuscation.h"

namespace tgvoip::binding {
namespace {

using protocol::Bytes;
using protocol::TcpObfuscatedCodec;

class TcpCodecWrap : public Napi::ObjectWrap<TcpCodecWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "TcpObfuscatedCodec",
                       {InstanceMethod("encodeFrame", &TcpCodecWrap::EncodeFrame),
                        InstanceMethod("feed", &TcpCodecWrap::Feed),
                        InstanceAccessor("header", &TcpCodecWrap::Header, nullptr)});
  }

  // new TcpObfuscatedCodec('client', nonce64?) | new TcpObfuscatedCodec('relay', header64)
  explicit TcpCodecWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TcpCodecWrap>(info) {
    Napi::Env env = info.Env();
    const std::string role = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
    if (role == "client" && (info[1].IsUndefined() || info[1].IsNull())) {
      codec_ = TcpObfuscatedCodec::createClient(header_);
      if (!codec_) throw Napi::Error::New(env, "random generator failure");
    } else if (role == "client") {
      const Bytes nonce = fixedBytesArg(info, 1, "nonce", protocol::kObfuscationHeaderSize);
      std::array<uint8_t, 64> array;
      std::copy(nonce.begin(), nonce.end(), array.begin());
      codec_ = TcpObfuscatedCodec::clientFromNonce(array, header_);
    } else if (role == "relay") {
      const Bytes header = fixedBytesArg(info, 1, "header", protocol::kObfuscationHeaderSize);
      codec_ = TcpObfuscatedCodec::acceptClient(header.data());
      if (!codec_) throw Napi::Error::New(env, "not an obfuscated abridged header");
    } else {
      throw Napi::TypeError::New(env, "role must be 'client' or 'relay'");
    }
  }

 private:
  Napi::Value Header(const Napi::CallbackInfo& info) { return toJs(info.Env(), header_); }

  Napi::Value EncodeFrame(const Napi::CallbackInfo& info) {
    const Bytes datagram = bytesArg(info, 0, "datagram");
    Bytes out;
    if (!codec_->encodeFrame(datagram, out)) {
      throw Napi::RangeError::New(info.Env(), "datagram size must be a multiple of 4");
    }
    return toJs(info.Env(), out);
  }

  Napi::Value Feed(const Napi::CallbackInfo& info) {
    const Bytes bytes = bytesArg(info, 0, "bytes");
    std::vector<Bytes> frames;
    if (codec_->feed(bytes, frames) != protocol::TcpFrameError::None) {
      throw Napi::RangeError::New(info.Env(), "incoming frame over 1500 bytes");
    }
    Napi::Array out = Napi::Array::New(info.Env(), frames.size());
    for (size_t i = 0; i < frames.size(); i++) out.Set(i, toJs(info.Env(), frames[i]));
    return out;
  }

  std::optional<TcpObfuscatedCodec> codec_;
  Bytes header_;  // the client's 64-byte header (empty on the relay side)
};

}  // namespace

void AddTcpClasses(Napi::Env env, Napi::Object internal) {
  internal.Set("TcpObfuscatedCodec", TcpCodecWrap::Define(env));
}

}  // namespace tgvoip::binding
