/**
 * `WebRtcCallEngine`: the tgcalls v2 engine behind `@tgvoip/calls`' engine boundary. It
 * advertises 13.0.0, 12.0.0 and 8.0.0 (spec §1.2) and builds one `WebRtcMediaSession` per call.
 */
import { loadNativeAddon } from '@tgvoip/calls-native'
import type { CallEngine, CallEngineSessionOptions, MediaSession } from '@tgvoip/calls-native/engine'
import { isSignalingVersion } from '../signaling/versions.js'
import { ProxyNotSupportedError, UnsupportedVersionError } from './engine-errors.js'
import { WebRtcMediaSession } from './webrtc-session.js'

/** Newest first: the order the calls plugin offers them in (§1.2; not 9.0.0, ambiguous; not 7.0.0, unreliable). */
export const WEBRTC_LIBRARY_VERSIONS = ['13.0.0', '12.0.0', '8.0.0'] as const

export interface WebRtcCallEngineOptions {
  /**
   * Drops this fraction (0..1) of every call's outgoing audio RTP, seeded: for demos and
   * tests of loss concealment, never for real calls.
   */
  simulatedLoss?: { rate: number; seed?: number }
}

export class WebRtcCallEngine implements CallEngine {
  readonly name = 'tgcalls-v2'
  readonly minLayer = 65
  readonly maxLayer = 92
  readonly libraryVersions: readonly string[] = WEBRTC_LIBRARY_VERSIONS

  constructor(private readonly options: WebRtcCallEngineOptions = {}) {}

  /** Loads the addon whose Opus codec and jitter buffer the media uses; throws if there is no usable build. */
  load(): void {
    loadNativeAddon()
  }

  /**
   * Throws `UnsupportedVersionError` for a version we did not offer, and
   * `UnsupportedServerSwitchError` for `custom_parameters` we cannot honour.
   */
  createSession(options: CallEngineSessionOptions): MediaSession {
    const version = options.libraryVersion
    if (!this.libraryVersions.includes(version) || !isSignalingVersion(version)) {
      throw new UnsupportedVersionError(`${this.name} does not speak library version "${version}" (only ${this.libraryVersions.join(', ')})`)
    }
    if (options.network.proxy) throw new ProxyNotSupportedError()
    return new WebRtcMediaSession(options, version, { simulatedLoss: this.options.simulatedLoss })
  }
}
