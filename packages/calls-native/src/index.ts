export { VoIPController } from './controller/voip-controller.js'
export type { VoIPControllerEvents, VoIPControllerOptions } from './controller/voip-controller.js'
export type { VoIPConfig } from './controller/call-config.js'
export type { Endpoint } from './controller/endpoint.js'
export type { ProxyOptions } from './controller/proxy.js'
export type { Stats } from './controller/stats.js'
export { P2P_INET_ENDPOINT_ID, P2P_IPV6_ENDPOINT_ID, P2P_LAN_ENDPOINT_ID } from './controller/stats.js'
export type { RecvAudioFrameCallback, SendAudioFrameCallback } from './controller/pcm-io.js'
export { FRAME_BYTES, FRAME_SAMPLES } from './controller/pcm-io.js'
export { VoIPServerConfig } from './server-config.js'
export { EngineThreads } from './engine-threads.js'
export type { EngineThreadsInfo } from './engine-threads.js'
export { loadNativeAddon } from './native/load-native-addon.js'
export type { BitrateConfig } from './server-config.js'
export { CallError, CallState, DataSaving, NetType } from './enums.js'
export {
  AlreadyConnectedError,
  ControllerDestroyedError,
  InvalidArgumentError,
  InvalidKeyError,
  InvalidPeerTagError,
  MissingAddressError,
  NoEndpointsError,
  NotConfiguredError,
  ProxyAuthError,
  ProxyConnectRefusedError,
  ProxyError,
  ProxyFailureReason,
  ProxyUdpUnsupportedError,
  ProxyUnreachableError,
  VoIPError,
} from './errors.js'
