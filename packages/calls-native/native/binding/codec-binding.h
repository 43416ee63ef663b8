// Public Node-API binding over the audio codec stack the libtgvoip engine uses (libopus
// encoder and decoder, the adaptive jitter buffer with FEC and concealment), exported as
// `codec` on the addon so a second engine (tgcalls v2 over werift) reuses it.
#pragma once

#include <napi.h>

namespace tgvoip {

// Adds `exports.codec` with the classes OpusEncoder, OpusDecoder and AudioJitterBuffer.
void InitCodecBinding(Napi::Env env, Napi::Object exports);

}  // namespace tgvoip
