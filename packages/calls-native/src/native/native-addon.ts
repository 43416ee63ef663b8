/**
 * Loads the compiled addon (a prebuild or build/Release) and describes the part of it
 * the controller uses. The native layer stays dumb: validation, events and streams
 * live in TypeScript.
 */
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { NativeCallConfig } from '../controller/call-config.js'
import type { NativeProxy } from '../controller/proxy.js'

/** Snapshot of one call's counters, as the engine thread last published them. */
export interface NativeStats {
  state: number
  error: number
  bytesSent: number
  bytesReceived: number
  packetsSent: number
  packetsReceived: number
  packetsDropped: number
  packetsLost: number
  framesPrimary: number
  framesExtraFec: number
  framesInbandFec: number
  framesConcealed: number
  fecRejected: number
  packetsLate: number
  framesSent: number
  sendUnderruns: number
  staleBlocksDropped: number
  sendSlotsSkipped: number
  reducedComplexityFrames: number
  lossRate: number
  sendLossRate: number
  rttMs: number
  jitterDelayMs: number
  jitterSpreadMs: number
  jitterPackets: number
  bitrate: number
  extraEcLevel: number
  signalBars: number
  peerVersion: number
  peerCapabilities: number
  connectSeconds: number
  establishedAt: number
  udpRelayRttMs: number
  localPort: number
  preferredRelayId: bigint
  currentEndpointId: bigint
  publicAddress: string
  needRate: boolean
}

export interface NativeEngineThreads {
  count: number
  max: number
  /** Threads alive now, including ones finishing after their last call. */
  running: number
  /** Calls per thread: at least `count` entries. */
  calls: number[]
  /** Times the engine woke the JS thread to deliver a batch of events, since the process started. */
  jsWakeups: number
}

export interface NativeEndpoint {
  id: bigint
  ip: string
  ipv6: string
  port: number
  peerTag: Uint8Array
}

export interface NativeCall {
  configure(config: NativeCallConfig): void
  setEncryptionKey(key: Uint8Array, isOutgoing: boolean): void
  setRemoteEndpoints(endpoints: NativeEndpoint[], allowP2p: boolean, tcp: boolean): void
  setProxy(proxy: NativeProxy): void
  connect(): void
  setMicMute(muted: boolean): void
  setLiveInput(live: boolean): void
  setNetworkType(type: number): void
  debugCtl(request: number, param: number): void
  /** Samples accepted into the input ring (may be fewer than given). */
  writePcm(pcm: Int16Array): number
  /** Samples copied out of the output ring. */
  readPcm(pcm: Int16Array): number
  inputFree(): number
  outputAvailable(): number
  /** Ask for one InputSpace event once `freeSamples` can be written. */
  armInputSpace(freeSamples: number): void
  getStats(): Partial<NativeStats>
  getDebugLog(): string
  destroy(): void
  /** The engine thread (0-based) that carries this call for its whole life. */
  engineThread(): number
}

export enum NativeEventKind {
  StateChanged = 1,
  SignalBars = 2,
  AudioReady = 3,
  InputSpace = 4,
  /** a = ProxyFailureReason */
  ProxyError = 5,
}

/** A benchmark floor: CPU seconds spent, frames encoded and decoded, and the encoded bytes. */
export interface OpusFloorMeasurement {
  cpuSeconds: number
  frames: number
  bytes: number
}

export interface NativeAddon {
  NativeCall: new (handle: number) => NativeCall
  setEventDispatcher(dispatch: (handle: number, kind: number, a: number, b: number) => void): void
  setServerConfig(values: Record<string, number | boolean>): void
  engineRef(): void
  engineUnref(): void
  /** Calls created from now on are spread over `count` threads (1..max, checked in TS). */
  setEngineThreads(count: number): void
  engineThreads(): NativeEngineThreads
  /** Benchmark floor: libopus encode+decode of `pcm`'s 60 ms frames, `rounds` times; CPU seconds of the calling thread. */
  measureOpusFloor(pcm: Int16Array, rounds: number, bitrate: number): OpusFloorMeasurement
  /**
   * Benchmark floor paced as the engine works: `threads` threads of `endsPerThread` ends on the engine's 5 ms tick for
   * `seconds`, one encode and one decode per end per 60 ms; CPU seconds of those threads. Blocks the caller meanwhile.
   */
  measurePacedOpusFloor(pcm: Int16Array, threads: number, endsPerThread: number, seconds: number, bitrate: number): OpusFloorMeasurement
}

let cached: NativeAddon | undefined

export function loadAddon(): NativeAddon {
  if (!cached) {
    const require = createRequire(import.meta.url)
    const nodeGypBuild = require('node-gyp-build') as (dir: string) => NativeAddon
    // src/ and dist/ both sit one level below the package root.
    cached = nodeGypBuild(fileURLToPath(new URL('../..', import.meta.url)))
  }
  return cached
}
