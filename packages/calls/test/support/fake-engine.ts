import { EventEmitter } from 'node:events'

import type { CallEngine, CallEngineSessionOptions, MediaSession, MediaSessionEvents, MediaStats, NetworkType } from '../../src/engine/call-engine.js'
import { MediaState } from '../../src/engine/call-engine.js'

/**
 * What a fake session does after `start()`: establish at once, fail, hang, or 'signal':
 * send one signaling blob naming its side and establish once the other side's arrives
 * (like an engine that negotiates through Telegram).
 */
export type FakeEngineBehaviour = 'establish' | 'fail' | 'hang' | 'signal'

/**
 * A test double for the media engine: records what signaling handed it, goes
 * connecting -> established on start (or fails / hangs), and lets tests drive failures.
 */
export class FakeEngine implements CallEngine {
  readonly minLayer = 65
  readonly maxLayer = 92
  readonly sessions: FakeMediaSession[] = []
  behaviour: FakeEngineBehaviour = 'establish'
  constructor(
    readonly libraryVersions: readonly string[] = ['2.4.4'],
    readonly name = 'fake',
  ) {}

  /** What `load()` throws, to play an engine that cannot run here. */
  loadError: Error | undefined

  load(): void {
    if (this.loadError) throw this.loadError
  }

  createSession(options: CallEngineSessionOptions): MediaSession {
    const session = new FakeMediaSession(options, this.behaviour)
    this.sessions.push(session)
    return session
  }
}

export class FakeMediaSession extends EventEmitter<MediaSessionEvents> implements MediaSession {
  state = MediaState.Connecting
  started = false
  closed = false
  readonly written: Int16Array[] = []
  /** Signaling blobs received, in delivery order. */
  readonly signaling: Uint8Array[] = []
  private readonly incoming: Int16Array[] = []
  private wake: (() => void) | null = null

  constructor(
    readonly options: CallEngineSessionOptions,
    private readonly behaviour: FakeEngineBehaviour,
  ) {
    super()
  }

  start(): void {
    this.started = true
    queueMicrotask(() => {
      if (this.behaviour === 'establish') this.setState(MediaState.Established)
      else if (this.behaviour === 'signal') this.emit('signalingData', signalingHello(this.options.isOutgoing))
      else if (this.behaviour === 'fail') this.fail(new Error('fake engine: no relay answered'))
    })
  }

  fail(error: Error): void {
    this.emit('error', error)
    this.setState(MediaState.Failed)
  }

  setState(next: MediaState): void {
    const old = this.state
    this.state = next
    this.emit('stateChange', old, next)
  }

  /** Simulates a frame arriving from the peer. */
  receiveFrame(frame: Int16Array): void {
    this.incoming.push(frame)
    this.wake?.()
  }

  async writeFrame(frame: Int16Array): Promise<void> {
    this.written.push(frame)
  }

  async *frames(): AsyncIterable<Int16Array> {
    while (!this.closed) {
      const frame = this.incoming.shift()
      if (frame) {
        yield frame
        continue
      }
      await new Promise<void>((resolve) => (this.wake = resolve))
      this.wake = null
    }
  }

  muted = false
  readonly networkTypes: NetworkType[] = []

  setMuted(muted: boolean): void {
    this.muted = muted
  }

  receiveSignalingData(data: Uint8Array): void {
    this.signaling.push(data)
    const fromPeer = Buffer.from(data).equals(signalingHello(!this.options.isOutgoing))
    if (this.behaviour === 'signal' && fromPeer && this.state === MediaState.Connecting) this.setState(MediaState.Established)
  }

  setNetworkType(type: NetworkType): void {
    this.networkTypes.push(type)
  }

  needRate(): boolean {
    return false
  }

  peerCapabilities(): number {
    return 0
  }

  stats(): MediaStats {
    return { bytesSent: 0, bytesReceived: 0, packetsSent: 0, packetsReceived: 0, packetsLost: 0, lossRate: 0, rttMs: Number.NaN, jitterMs: 0, bitrate: 0, signalBars: 4 }
  }

  debugLog(): string {
    return JSON.stringify({ engine: 'fake', callId: String(this.options.callId), frames: this.written.length })
  }

  preferredRelayId(): bigint {
    return this.options.endpoints[0]?.id ?? 0n
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.wake?.()
    this.setState(MediaState.Closed)
  }
}

export function signalingHello(fromCaller: boolean): Uint8Array {
  return new TextEncoder().encode(`hello from the ${fromCaller ? 'caller' : 'callee'}`)
}
