// The engine boundary lives in @tgvoip/calls-native/engine, so that engines in other packages
// (@tgvoip/calls-webrtc) implement it without depending on @tgvoip/calls; re-exported unchanged.
export * from '@tgvoip/calls-native/engine'
