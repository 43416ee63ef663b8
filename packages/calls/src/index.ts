export type { CallAudioSink, CallAudioSource, CallMediaInput } from './call/audio-types.js'
export { Call } from './call/call.js'
export type { CallInit } from './call/call.js'
export type { CallEvents } from './call/call-lifecycle.js'
export type { PlayOptions } from './call/call-media.js'
export type { CallOptionsInput } from './call/media-options.js'
export type { CallNetworkOptions } from './call/network-options.js'
export { CallEndReason, PhoneCallState } from './call/call-state.js'
export { DH_BYTES, b2i, i2b } from './crypto/bytes.js'
export { checkDhConfig, checkG } from './crypto/dh-checks.js'
export { calcFingerprint } from './crypto/fingerprint.js'
export { TELEGRAM_DH_PRIME, isSafePrime } from './crypto/safe-prime.js'
export { generateVisualization } from './crypto/visualization.js'
export type { KeyVisualization } from './crypto/visualization.js'
export { CALL_EMOJIS } from './crypto/emoji-table.js'
export * from './engine/call-engine.js'
export { CallEngineSet, UnsupportedLibraryVersionError } from './engine/call-engine-set.js'
export { NativeCallEngine, NativeMediaError, NoUdpEndpointsError } from './engine/native-engine.js'
export type { NativeCallEngineOptions } from './engine/native-engine.js'
export {
  AbortError,
  CallAudioError,
  CallBusyError,
  CallDeclinedError,
  PhoneCallError,
  CallFailedError,
  CallHandlerError,
  CallMissedError,
  CallOptionsError,
  CallSecurityError,
  CallStateError,
  CallStateTimeoutError,
  EngineUnavailableError,
} from './errors.js'
export { CallManager } from './manager/call-manager.js'
export type { CallManagerEvents, OutgoingCallOptions } from './manager/call-manager.js'
export type { CallManagerOptions } from './manager/options.js'
export { callsPlugin } from './plugin.js'
export type { TelegramClientPlugin } from './plugin.js'
export { DEFAULT_CALL_TIMEOUTS } from './signaling/server-config.js'
export type { CallTimeouts } from './signaling/server-config.js'
export { DEFAULT_PROTOCOL } from './signaling/protocol.js'
export { entersState } from './util/enters-state.js'
