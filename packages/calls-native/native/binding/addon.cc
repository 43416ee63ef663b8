// Module entry point of the tgvoip_native addon: each binding adds its exports here.

#include <napi.h>

#include "binding/codec-binding.h"
#include "binding/controller-binding.h"
#include "binding/protocol-binding.h"

namespace {

Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  tgvoip::InitProtocolBinding(env, exports);
  tgvoip::InitControllerBinding(env, exports);
  tgvoip::InitCodecBinding(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(tgvoip_native, InitAddon)
