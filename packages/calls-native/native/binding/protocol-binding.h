// Internal Node-API binding over the pure protocol layer and the Opus wrappers, exported as
// `internal` on the addon. Tests (spec vectors, capture conformance) and tools use it; the
// public API is the controller binding.
#pragma once

#include <napi.h>

namespace tgvoip {

// Adds `exports.internal` with the crypto, datagram, packet, relay-control, TCP and Opus helpers.
void InitProtocolBinding(Napi::Env env, Napi::Object exports);

namespace binding {
// Each part fills its functions into the `internal` object.
void AddCryptoFunctions(Napi::Env env, Napi::Object internal);
void AddPacketFunctions(Napi::Env env, Napi::Object internal);
void AddRelayControlFunctions(Napi::Env env, Napi::Object internal);
void AddOpusClasses(Napi::Env env, Napi::Object internal);
void AddTcpClasses(Napi::Env env, Napi::Object internal);
}  // namespace binding

}  // namespace tgvoip
