// internal.parseRelayControl / encode* for relay control datagrams (§10.3).

#include <arpa/inet.h>

#include "binding/protocol-binding-convert.h"
#include "binding/protocol-binding.h"
#include "protocol/relay-control.h"

namespace tgvoip::binding {
namespace {

using namespace protocol;

PeerTag tagArg(const Napi::CallbackInfo& info, size_t index) {
  const Bytes bytes = fixedBytesArg(info, index, "tag", kPeerTagSize);
  PeerTag tag{};
  std::copy(bytes.begin(), bytes.end(), tag.begin());
  return tag;
}

std::array<uint8_t, 4> ipv4Field(Napi::Object object, const char* name) {
  std::array<uint8_t, 4> ip{};
  const Napi::Value value = object.Get(name);
  if (!value.IsString() || inet_pton(AF_INET, value.As<Napi::String>().Utf8Value().c_str(), ip.data()) != 1) {
    throw Napi::TypeError::New(object.Env(), std::string(name) + " must be an IPv4 address");
  }
  return ip;
}

/** IPv4 strings become IPv4-mapped IPv6, as relays report them. */
std::array<uint8_t, 16> ipAnyField(Napi::Object object, const char* name) {
  std::array<uint8_t, 16> ip{};
  const Napi::Value value = object.Get(name);
  const std::string text = value.IsString() ? value.As<Napi::String>().Utf8Value() : "";
  std::array<uint8_t, 4> v4{};
  if (inet_pton(AF_INET, text.c_str(), v4.data()) == 1) {
    ip[10] = ip[11] = 0xFF;
    std::copy(v4.begin(), v4.end(), ip.begin() + 12);
  } else if (inet_pton(AF_INET6, text.c_str(), ip.data()) != 1) {
    throw Napi::TypeError::New(object.Env(), std::string(name) + " must be an IP address");
  }
  return ip;
}

uint64_t bigintValue(const Napi::Value& value, const char* name) {
  if (!value.IsBigInt()) throw Napi::TypeError::New(value.Env(), std::string(name) + " must be a bigint");
  bool lossless = true;
  return value.As<Napi::BigInt>().Uint64Value(&lossless);
}

// parseRelayControl(datagram) -> null | { kind, tag, code, queryId, selfInfo?, peerInfo? }
Napi::Value ParseRelayControlJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Bytes bytes = bytesArg(info, 0, "datagram");
  const auto packet = parseRelayControl(bytes);
  if (!packet) return env.Null();
  Napi::Object out = Napi::Object::New(env);
  out.Set("kind", relayControlKindName(packet->kind));
  out.Set("tag", toJs(env, packet->tag));
  out.Set("code", packet->code);
  out.Set("queryId", Napi::BigInt::New(env, packet->queryId));
  if (packet->selfInfo) {
    const SelfInfo& self = *packet->selfInfo;
    Napi::Object value = Napi::Object::New(env);
    value.Set("date", self.date);
    value.Set("queryId", Napi::BigInt::New(env, self.queryId));
    const auto v4 = ipv4FromMapped(self.ip);
    value.Set("ip", v4 ? ipString(v4->data(), AF_INET) : ipString(self.ip.data(), AF_INET6));
    value.Set("port", self.port);
    out.Set("selfInfo", value);
  }
  if (packet->peerInfo) {
    const PeerInfo& peer = *packet->peerInfo;
    Napi::Object value = Napi::Object::New(env);
    value.Set("myIp", ipString(peer.myIp.data(), AF_INET));
    value.Set("myPort", peer.myPort);
    value.Set("peerIp", ipString(peer.peerIp.data(), AF_INET));
    value.Set("peerPort", peer.peerPort);
    out.Set("peerInfo", value);
  }
  return out;
}

Napi::Value EncodeUdpPingJs(const Napi::CallbackInfo& info) {
  Bytes out;
  encodeUdpPing(tagArg(info, 0), bigintValue(info[1], "queryId"), out);
  return toJs(info.Env(), out);
}

Napi::Value EncodePublicEndpointsRequestJs(const Napi::CallbackInfo& info) {
  Bytes out;
  encodePublicEndpointsRequest(tagArg(info, 0), out);
  return toJs(info.Env(), out);
}

// encodeSelfInfoReply(tag, { date, queryId: bigint, ip, port })
Napi::Value EncodeSelfInfoReplyJs(const Napi::CallbackInfo& info) {
  if (!info[1].IsObject()) throw Napi::TypeError::New(info.Env(), "info must be an object");
  const Napi::Object object = info[1].As<Napi::Object>();
  SelfInfo self;
  self.date = static_cast<int32_t>(u32Field(object, "date", 0));
  self.queryId = bigintValue(object.Get("queryId"), "queryId");
  self.ip = ipAnyField(object, "ip");
  self.port = static_cast<int32_t>(u32Field(object, "port", 0));
  Bytes out;
  encodeSelfInfoReply(tagArg(info, 0), self, out);
  return toJs(info.Env(), out);
}

// encodePeerInfoReply(tag, { myIp, myPort, peerIp, peerPort })
Napi::Value EncodePeerInfoReplyJs(const Napi::CallbackInfo& info) {
  if (!info[1].IsObject()) throw Napi::TypeError::New(info.Env(), "info must be an object");
  const Napi::Object object = info[1].As<Napi::Object>();
  PeerInfo peer;
  peer.myIp = ipv4Field(object, "myIp");
  peer.myPort = static_cast<int32_t>(u32Field(object, "myPort", 0));
  peer.peerIp = ipv4Field(object, "peerIp");
  peer.peerPort = static_cast<int32_t>(u32Field(object, "peerPort", 0));
  Bytes out;
  encodePeerInfoReply(tagArg(info, 0), peer, out);
  return toJs(info.Env(), out);
}

}  // namespace

void AddRelayControlFunctions(Napi::Env env, Napi::Object internal) {
  internal.Set("parseRelayControl", Napi::Function::New(env, ParseRelayControlJs));
  internal.Set("encodeUdpPing", Napi::Function::New(env, EncodeUdpPingJs));
  internal.Set("encodePublicEndpointsRequest", Napi::Function::New(env, EncodePublicEndpointsRequestJs));
  internal.Set("encodeSelfInfoReply", Napi::Function::New(env, EncodeSelfInfoReplyJs));
  internal.Set("encodePeerInfoReply", Napi::Function::New(env, EncodePeerInfoReplyJs));
}

}  // namespace tgvoip::binding
