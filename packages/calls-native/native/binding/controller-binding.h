// Node-API face of the engine: the `NativeCall` class (one per VoIPController) and the
// module functions for the event dispatcher and the server config.
#pragma once

#include <napi.h>

namespace tgvoip {

// Adds NativeCall, setEventDispatcher, setServerConfig, engineRef, engineUnref,
// setEngineThreads, engineThreads, measureOpusFloor.
void InitControllerBinding(Napi::Env env, Napi::Object exports);

}  // namespace tgvoip
