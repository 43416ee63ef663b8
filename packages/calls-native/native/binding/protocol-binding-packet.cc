// internal.parsePacket / encode* : the inner packet codecs as plain JS objects.

#include "binding/protocol-binding-convert.h"
#include "binding/protocol-binding.h"
#include "protocol/extras.h"
#include "protocol/handshake.h"
#include "protocol/packet.h"
#include "protocol/stream-data.h"

namespace tgvoip::binding {
namespace {

using namespace protocol;

Napi::Object extraToJs(Napi::Env env, const Extra& extra) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("type", extra.type);
  out.Set("payload", toJs(env, extra.payload));
  if (const auto flags = decodeStreamFlagsExtra(extra)) {
    Napi::Object value = Napi::Object::New(env);
    value.Set("streamId", flags->streamId);
    value.Set("flags", flags->flags);
    out.Set("streamFlags", value);
  } else if (const auto lan = decodeLanEndpointExtra(extra)) {
    Napi::Object value = Napi::Object::New(env);
    value.Set("ip", ipString(lan->ipv4.data(), AF_INET));
    value.Set("port", lan->port);
    out.Set("lanEndpoint", value);
  } else if (const auto network = decodeNetworkChangedExtra(extra)) {
    Napi::Object value = Napi::Object::New(env);
    value.Set("flags", network->flags);
    out.Set("networkChanged", value);
  } else if (const auto v6 = decodeIpv6EndpointExtra(extra)) {
    Napi::Object value = Napi::Object::New(env);
    value.Set("ip", ipString(v6->ipv6.data(), AF_INET6));
    value.Set("port", v6->port);
    out.Set("ipv6Endpoint", value);
  }
  return out;
}

Napi::Array recordsToJs(Napi::Env env, const std::vector<StreamDataRecord>& records) {
  Napi::Array out = Napi::Array::New(env, records.size());
  for (size_t i = 0; i < records.size(); i++) {
    const StreamDataRecord& record = records[i];
    Napi::Object value = Napi::Object::New(env);
    value.Set("streamId", record.streamId);
    value.Set("pts", record.pts);
    value.Set("data", toJs(env, record.data));
    value.Set("keyframe", record.keyframe);
    value.Set("fragmented", record.fragmented);
    Napi::Array fec = Napi::Array::New(env, record.fec.size());
    for (size_t j = 0; j < record.fec.size(); j++) {
      Napi::Object entry = Napi::Object::New(env);
      entry.Set("pts", record.fec[j].pts);
      entry.Set("data", toJs(env, record.fec[j].data));
      fec.Set(j, entry);
    }
    value.Set("fec", fec);
    out.Set(i, value);
  }
  return out;
}

void addBodyFields(Napi::Env env, const Packet& packet, Napi::Object out) {
  switch (packet.header.type) {
    case PacketType::Init: {
      InitBody init;
      const ParseError error = parseInit(packet.body, init);
      if (error != ParseError::None) return (void)out.Set("bodyError", parseErrorName(error));
      Napi::Object value = Napi::Object::New(env);
      value.Set("protocolVersion", init.protocolVersion);
      value.Set("minProtocolVersion", init.minProtocolVersion);
      value.Set("flags", init.flags);
      Napi::Array codecs = Napi::Array::New(env, init.audioCodecs.size());
      for (size_t i = 0; i < init.audioCodecs.size(); i++) codecs.Set(i, init.audioCodecs[i]);
      value.Set("audioCodecs", codecs);
      value.Set("videoDecoderCount", init.videoDecoders.size());
      return (void)out.Set("init", value);
    }
    case PacketType::InitAck: {
      InitAckBody initAck;
      const ParseError error = parseInitAck(packet.body, initAck);
      if (error != ParseError::None) return (void)out.Set("bodyError", parseErrorName(error));
      Napi::Object value = Napi::Object::New(env);
      value.Set("protocolVersion", initAck.protocolVersion);
      value.Set("minProtocolVersion", initAck.minProtocolVersion);
      Napi::Array streams = Napi::Array::New(env, initAck.streams.size());
      for (size_t i = 0; i < initAck.streams.size(); i++) {
        const StreamDescription& stream = initAck.streams[i];
        Napi::Object entry = Napi::Object::New(env);
        entry.Set("id", stream.id);
        entry.Set("type", stream.type);
        entry.Set("codec", stream.codec);
        entry.Set("frameDurationMs", stream.frameDurationMs);
        entry.Set("enabled", stream.enabled);
        streams.Set(i, entry);
      }
      value.Set("streams", streams);
      return (void)out.Set("initAck", value);
    }
    case PacketType::Pong: {
      if (const auto seq = parsePong(packet.body)) return (void)out.Set("pongSeq", *seq);
      return (void)out.Set("bodyError", parseErrorName(ParseError::Truncated));
    }
    case PacketType::StreamData:
    case PacketType::StreamDataX2:
    case PacketType::StreamDataX3: {
      std::vector<StreamDataRecord> records;
      const ParseError error = parseStreamData(packet.header.type, packet.body, records);
      if (error != ParseError::None) out.Set("bodyError", parseErrorName(error));
      return (void)out.Set("streamData", recordsToJs(env, records));
    }
    default:
      return;
  }
}

// parsePacket(packet) -> { ok, error?, type, ackId, seq, recentMask, recvTs?, extras, body, ... }
Napi::Value ParsePacketJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Bytes bytes = bytesArg(info, 0, "packet");
  Packet packet;
  const ParseError error = parsePacket(bytes, packet);
  Napi::Object out = Napi::Object::New(env);
  out.Set("ok", error == ParseError::None);
  if (error != ParseError::None) {
    out.Set("error", parseErrorName(error));
    return out;
  }
  out.Set("type", static_cast<uint8_t>(packet.header.type));
  out.Set("ackId", packet.header.ackId);
  out.Set("seq", packet.header.seq);
  out.Set("recentMask", packet.header.recentMask);
  if (packet.header.recvTs) out.Set("recvTs", *packet.header.recvTs);
  Napi::Array extras = Napi::Array::New(env, packet.header.extras.size());
  for (size_t i = 0; i < packet.header.extras.size(); i++) {
    extras.Set(i, extraToJs(env, packet.header.extras[i]));
  }
  out.Set("extras", extras);
  out.Set("body", toJs(env, packet.body));
  addBodyFields(env, packet, out);
  return out;
}

// encodePacket({ type, ackId?, seq, recentMask?, extras?: [{type, payload}], recvTs? }, body?)
Napi::Value EncodePacketJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "header must be an object");
  const Napi::Object object = info[0].As<Napi::Object>();
  PacketHeader header;
  header.type = static_cast<PacketType>(u32Field(object, "type", 0));
  header.ackId = u32Field(object, "ackId", 0);
  header.seq = u32Field(object, "seq", 0);
  header.recentMask = u32Field(object, "recentMask", 0);
  if (!object.Get("recvTs").IsUndefined()) header.recvTs = u32Field(object, "recvTs", 0);
  const Napi::Value extras = object.Get("extras");
  if (extras.IsArray()) {
    const Napi::Array list = extras.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); i++) {
      const Napi::Object entry = list.Get(i).As<Napi::Object>();
      const Napi::Value payload = entry.Get("payload");
      if (!payload.IsTypedArray()) throw Napi::TypeError::New(env, "extra payload must be a Uint8Array");
      const Napi::Uint8Array bytes = payload.As<Napi::Uint8Array>();
      header.extras.push_back(Extra{static_cast<uint8_t>(u32Field(entry, "type", 0)),
                                    Bytes(bytes.Data(), bytes.Data() + bytes.ByteLength())});
    }
  }
  const Bytes body = optionalBytesArg(info, 1, "body");
  Bytes out;
  if (!encodePacket(header, body, out)) throw Napi::RangeError::New(env, "extras do not fit (§6.1)");
  return toJs(env, out);
}

Napi::Value EncodeInitJs(const Napi::CallbackInfo& info) {
  InitBody init;
  if (info[0].IsObject()) {
    const Napi::Object object = info[0].As<Napi::Object>();
    init.protocolVersion = static_cast<int32_t>(u32Field(object, "protocolVersion", kProtocolVersion));
    init.minProtocolVersion = static_cast<int32_t>(u32Field(object, "minProtocolVersion", kMinProtocolVersion));
    init.flags = u32Field(object, "flags", 0);
  }
  Bytes out;
  encodeInit(init, out);
  return toJs(info.Env(), out);
}

Napi::Value EncodeInitAckJs(const Napi::CallbackInfo& info) {
  InitAckBody initAck;
  if (info[0].IsObject()) {
    const Napi::Object object = info[0].As<Napi::Object>();
    initAck.protocolVersion = static_cast<int32_t>(u32Field(object, "protocolVersion", kProtocolVersion));
    initAck.minProtocolVersion = static_cast<int32_t>(u32Field(object, "minProtocolVersion", kMinProtocolVersion));
    initAck.streams[0].enabled = !object.Get("audioEnabled").IsBoolean() ||
                                 object.Get("audioEnabled").As<Napi::Boolean>().Value();
  }
  Bytes out;
  encodeInitAck(initAck, out);
  return toJs(info.Env(), out);
}

// encodeStreamData({ streamId?, pts, data, fec?: Uint8Array[] })
Napi::Value EncodeStreamDataJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "record must be an object");
  const Napi::Object object = info[0].As<Napi::Object>();
  const Napi::Value data = object.Get("data");
  if (!data.IsTypedArray()) throw Napi::TypeError::New(env, "data must be a Uint8Array");
  const Napi::Uint8Array dataBytes = data.As<Napi::Uint8Array>();
  OutgoingStreamData record;
  record.streamId = static_cast<uint8_t>(u32Field(object, "streamId", kStreamIdAudio));
  record.pts = u32Field(object, "pts", 0);
  record.data = ByteView(dataBytes.Data(), dataBytes.ByteLength());
  const Napi::Value fec = object.Get("fec");
  if (fec.IsArray()) {
    const Napi::Array list = fec.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); i++) {
      if (!list.Get(i).IsTypedArray()) throw Napi::TypeError::New(env, "fec entries must be Uint8Arrays");
      const Napi::Uint8Array entry = list.Get(i).As<Napi::Uint8Array>();
      record.fec.push_back(ByteView(entry.Data(), entry.ByteLength()));
    }
  }
  Bytes out;
  if (!encodeStreamData(record, out)) throw Napi::RangeError::New(env, "record exceeds §7 limits");
  return toJs(env, out);
}

Napi::Value EncodePongJs(const Napi::CallbackInfo& info) {
  Bytes out;
  encodePong(static_cast<uint32_t>(numberArg(info, 0, "pingSeq")), out);
  return toJs(info.Env(), out);
}

}  // namespace

void AddPacketFunctions(Napi::Env env, Napi::Object internal) {
  internal.Set("parsePacket", Napi::Function::New(env, ParsePacketJs));
  internal.Set("encodePacket", Napi::Function::New(env, EncodePacketJs));
  internal.Set("encodeInit", Napi::Function::New(env, EncodeInitJs));
  internal.Set("encodeInitAck", Napi::Function::New(env, EncodeInitAckJs));
  internal.Set("encodeStreamData", Napi::Function::New(env, EncodeStreamDataJs));
  internal.Set("encodePong", Napi::Function::New(env, EncodePongJs));
}

}  // namespace tgvoip::binding
