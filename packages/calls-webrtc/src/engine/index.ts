// The call engine: signaling + media of one tgcalls v2 call behind @tgvoip/calls' CallEngine boundary.
export { WebRtcCallEngine, WEBRTC_LIBRARY_VERSIONS } from './webrtc-engine.js'
export type { WebRtcCallEngineOptions } from './webrtc-engine.js'
export { WebRtcMediaSession } from './webrtc-session.js'
export {
  ProxyNotSupportedError,
  SignalingUnusableError,
  UnsupportedServerSwitchError,
  UnsupportedVersionError,
  WebRtcEngineError,
} from './engine-errors.js'
export { TEST_LOOPBACK_PARAMETER } from './server-switches.js'
