#include "binding/protocol-binding.h"

#include "binding/protocol-binding-convert.h"
#include "protocol/datagram.h"

namespace tgvoip {
namespace binding {
namespace {

using protocol::ByteView;
using protocol::Bytes;

int xArg(const Napi::CallbackInfo& info, size_t index) {
  const double x = numberArg(info, index, "x");
  if (x != 0 && x != 8) throw Napi::RangeError::New(info.Env(), "x must be 0 or 8");
  return static_cast<int>(x);
}

protocol::MsgKey msgKeyArg(const Napi::CallbackInfo& info, size_t index) {
  const Bytes bytes = fixedBytesArg(info, index, "msgKey", protocol::kMsgKeySize);
  protocol::MsgKey msgKey{};
  std::copy(bytes.begin(), bytes.end(), msgKey.begin());
  return msgKey;
}

Napi::Value keyIvToJs(Napi::Env env, const protocol::AesKeyIv& keyIv) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("key", toJs(env, keyIv.key));
  out.Set("iv", toJs(env, keyIv.iv));
  return out;
}

protocol::AesKeyIv aesArgs(const Napi::CallbackInfo& info) {
  protocol::AesKeyIv keyIv;
  const Bytes key = fixedBytesArg(info, 0, "key", 32);
  const Bytes iv = fixedBytesArg(info, 1, "iv", 32);
  std::copy(key.begin(), key.end(), keyIv.key.begin());
  std::copy(iv.begin(), iv.end(), keyIv.iv.begin());
  return keyIv;
}

Napi::Value AesIge(const Napi::CallbackInfo& info, bool encrypt) {
  const protocol::AesKeyIv keyIv = aesArgs(info);
  Bytes data = bytesArg(info, 2, "data");
  const bool ok = encrypt ? protocol::aesIgeEncrypt(keyIv, data.data(), data.data(), data.size())
                          : protocol::aesIgeDecrypt(keyIv, data.data(), data.data(), data.size());
  if (!ok) throw Napi::RangeError::New(info.Env(), "data must be a multiple of 16 bytes");
  return toJs(info.Env(), data);
}

// sealPacket(key, senderIsOutgoing, packet, prefix | null, padding?) -> Uint8Array
Napi::Value SealPacket(const Napi::CallbackInfo& info) {
  const protocol::DatagramCipher cipher(keyArg(info, 0), info[1].ToBoolean());
  const Bytes packet = bytesArg(info, 2, "packet");
  const Bytes prefix = optionalBytesArg(info, 3, "prefix");
  Bytes out;
  const protocol::DatagramError error =
      info[4].IsUndefined() ? cipher.seal(packet, prefix, out)
                            : cipher.sealWithPadding(packet, prefix, bytesArg(info, 4, "padding"), out);
  if (error != protocol::DatagramError::None) {
    throw Napi::RangeError::New(info.Env(), protocol::datagramErrorName(error));
  }
  return toJs(info.Env(), out);
}

// openDatagram(key, senderIsOutgoing, datagram, prefix | null)
//   -> { ok: true, packet, plaintext } | { ok: false, error }
Napi::Value OpenDatagram(const Napi::CallbackInfo& info) {
  const bool senderIsOutgoing = info[1].ToBoolean();
  // The receiving side's cipher: it is the outgoing side iff the sender is not.
  const protocol::DatagramCipher cipher(keyArg(info, 0), !senderIsOutgoing);
  const Bytes datagram = bytesArg(info, 2, "datagram");
  const Bytes prefix = optionalBytesArg(info, 3, "prefix");
  Bytes packet, plaintext;
  const protocol::DatagramError error =
      cipher.openAsSender(datagram, prefix, senderIsOutgoing, packet, &plaintext);
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("ok", error == protocol::DatagramError::None);
  if (error != protocol::DatagramError::None) {
    out.Set("error", protocol::datagramErrorName(error));
    return out;
  }
  out.Set("packet", toJs(info.Env(), packet));
  out.Set("plaintext", toJs(info.Env(), plaintext));
  return out;
}

}  // namespace

void AddCryptoFunctions(Napi::Env env, Napi::Object internal) {
  internal.Set("sha1", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                 return toJs(info.Env(), protocol::sha1(bytesArg(info, 0, "data")));
               }));
  internal.Set("sha256", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                 return toJs(info.Env(), protocol::sha256(bytesArg(info, 0, "data")));
               }));
  internal.Set("kdf2", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                 return keyIvToJs(info.Env(), protocol::kdf2(keyArg(info, 0), msgKeyArg(info, 1), xArg(info, 2)));
               }));
  internal.Set("kdfLegacy", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                 return keyIvToJs(info.Env(),
                                  protocol::kdfLegacy(keyArg(info, 0), msgKeyArg(info, 1), xArg(info, 2)));
               }));
  internal.Set("msgKey", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                 const Bytes plaintext = bytesArg(info, 1, "plaintext");
                 return toJs(info.Env(), protocol::msgKey2(keyArg(info, 0), plaintext, xArg(info, 2)));
               }));
  internal.Set("aesIgeEncrypt", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                 return AesIge(info, true);
               }));
  internal.Set("aesIgeDecrypt", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                 return AesIge(info, false);
               }));
  internal.Set("keyFingerprint", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                 return toJs(info.Env(), protocol::keyFingerprint(keyArg(info, 0)));
               }));
  internal.Set("callId", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                 return toJs(info.Env(), protocol::callId(keyArg(info, 0)));
               }));
  internal.Set("sealPacket", Napi::Function::New(env, SealPacket));
  internal.Set("openDatagram", Napi::Function::New(env, OpenDatagram));
}

}  // namespace binding

void InitProtocolBinding(Napi::Env env, Napi::Object exports) {
  Napi::Object internal = Napi::Object::New(env);
  binding::AddCryptoFunctions(env, internal);
  binding::AddPacketFunctions(env, internal);
  binding::AddRelayControlFunctions(env, internal);
  binding::AddTcpClasses(env, internal);
  exports.Set("internal", internal);
}

}  // namespace tgvoip
