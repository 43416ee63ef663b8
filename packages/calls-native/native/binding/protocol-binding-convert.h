// Argument checking and byte conversion shared by the internal protocol binding.
#pragma once

#include <arpa/inet.h>
#include <napi.h>

#include <string>

#include "protocol/bytes.h"
#include "protocol/crypto.h"

namespace tgvoip::binding {

/** Throws a TypeError (as a JS exception) unless argument `index` is a Uint8Array. */
inline protocol::Bytes bytesArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  const Napi::Value value = info[index];
  if (!value.IsTypedArray() ||
      value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Uint8Array");
  }
  const Napi::Uint8Array array = value.As<Napi::Uint8Array>();
  return protocol::Bytes(array.Data(), array.Data() + array.ByteLength());
}

/** Like bytesArg, but `null`/`undefined` give an empty buffer. */
inline protocol::Bytes optionalBytesArg(const Napi::CallbackInfo& info, size_t index,
                                        const char* name) {
  if (info[index].IsNull() || info[index].IsUndefined()) return {};
  return bytesArg(info, index, name);
}

inline protocol::Bytes fixedBytesArg(const Napi::CallbackInfo& info, size_t index,
                                     const char* name, size_t size) {
  protocol::Bytes bytes = bytesArg(info, index, name);
  if (bytes.size() != size) {
    throw Napi::RangeError::New(info.Env(),
                                std::string(name) + " must be " + std::to_string(size) + " bytes");
  }
  return bytes;
}

inline protocol::CallKey keyArg(const Napi::CallbackInfo& info, size_t index) {
  const protocol::Bytes bytes = fixedBytesArg(info, index, "key", protocol::kKeySize);
  protocol::CallKey key;
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

inline double numberArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (!info[index].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  }
  return info[index].As<Napi::Number>().DoubleValue();
}

inline uint32_t u32Field(Napi::Object object, const char* name, uint32_t fallback) {
  const Napi::Value value = object.Get(name);
  if (value.IsUndefined()) return fallback;
  if (!value.IsNumber()) {
    throw Napi::TypeError::New(object.Env(), std::string(name) + " must be a number");
  }
  return value.As<Napi::Number>().Uint32Value();
}

/** `bytes` (4 for AF_INET, 16 for AF_INET6) as the usual text form. */
inline std::string ipString(const uint8_t* bytes, int family) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(family, bytes, text, sizeof(text));
  return text;
}

inline Napi::Buffer<uint8_t> toJs(Napi::Env env, protocol::ByteView bytes) {
  return Napi::Buffer<uint8_t>::Copy(env, bytes.data, bytes.size);
}

template <size_t N>
Napi::Buffer<uint8_t> toJs(Napi::Env env, const std::array<uint8_t, N>& bytes) {
  return Napi::Buffer<uint8_t>::Copy(env, bytes.data(), N);
}

}  // namespace tgvoip::binding
