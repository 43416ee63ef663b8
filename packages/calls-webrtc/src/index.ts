// @tgvoip/calls-webrtc: the tgcalls v2 engine (see README.md).
export * from './signaling/index.js'
export * from './media/index.js'
export * from './engine/index.js'
