// Internal Node-API binding over the pure protocol layer, exported as `internal` on the
// addon. Tests (spec vectors, capture conformance) and tools use it; the public API is the
// controller binding and the codec binding (codec-binding.h).
#pragma once

#include <napi.h>

namespace tgvoip {

// Adds `exports.internal` with the crypto, datagram, packet, relay-control and TCP helpers.
void InitProtocolBinding(Napi::Env env, Napi::Object exports);

namespace binding {
// Each part fills its functions into the `internal` object.
void AddCryptoFunctions(Napi::Env env, Napi::Object internal);
void AddPacketFunctions(Napi::Env env, Napi::Object internal);
void AddRelayControlFunctions(Napi::Env env, Napi::Object internal);
void AddTcpClasses(Napi::Env env, Napi::Object internal);
}  // namespace binding

}  // namespace tgvoip
