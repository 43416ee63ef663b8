/**
 * One tgcalls v2 call side behind the engine boundary: a `SignalingChannel` (encrypted,
 * framed JSON over Telegram's signaling blobs) drives a `WebRtcMediaTransport` (werift
 * ICE/DTLS-SRTP/Opus) through the message order of spec §4.7:
 *
 *   caller: InitialSetup(actpass) → offer → Candidates as gathered
 *   callee: on the caller's InitialSetup → InitialSetup(passive) → its queued Candidates;
 *           on the caller's offer → answer → its own offer
 *   both:   MediaState on the data channel when it opens and on every mute change
 *
 * The transport's states map onto `MediaState` (§7.1): connecting → Connecting,
 * connected → Established, disconnected → Reconnecting, failed → Failed.
 */
import { EventEmitter } from 'node:events'
import {
  MediaState,
  type CallEngineSessionOptions,
  type CallNetworkSettings,
  type MediaSession,
  type MediaSessionEvents,
  type MediaStats,
  type NetworkType,
} from '@tgvoip/calls-native/engine'
import { InvalidMediaParameterError, MediaTransportClosedError } from '../media/media-errors.js'
import { WebRtcMediaTransport } from '../media/media-transport.js'
import type { MediaTransportOptions } from '../media/transport-options.js'
import { MediaTransportState } from '../media/transport-state.js'
import type { SignalingError } from '../signaling/errors.js'
import { decodeMessage, encodeMessage } from '../signaling/messages/codec.js'
import type { IceCandidate, MediaStateMessage, SignalingMessage } from '../signaling/messages/types.js'
import { SignalingChannel } from '../signaling/signaling-channel.js'
import type { SignalingVersion } from '../signaling/versions.js'
import { encoderBitrate, RecentLoss, signalBars } from './audio-quality.js'
import { ChannelNegotiation } from './channel-negotiation.js'
import { IceRecovery } from './ice-recovery.js'
import { readServerSwitches, type ServerSwitches } from './server-switches.js'
import { SignalingHealth } from './signaling-health.js'

/** tgcalls' connection watchdog (§7.1); a shorter `connectTimeoutMs` from Telegram's config wins. */
const WATCHDOG_MS = 20_000
/** The transport's own silence detector; a shorter `packetTimeoutMs` wins. */
const SILENCE_MS = 10_000
/** Messages that arrive before the transport exists (certificate generation) wait, up to this many. */
const MAX_EARLY_MESSAGES = 256
const MAX_LOG_EVENTS = 200
/** Loss above this, or any reconnection, makes the call worth a rating. */
const RATE_WORTHY_LOSS = 0.05

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

/** What the engine adds to a session, beyond the boundary's options. */
export interface WebRtcSessionExtras {
  /** Drops this fraction of our outgoing audio RTP (the demo's --loss, tests). */
  simulatedLoss?: { rate: number; seed?: number }
}

export class WebRtcMediaSession extends EventEmitter<MediaSessionEvents> implements MediaSession {
  private current = MediaState.Connecting
  private readonly channel: SignalingChannel
  private readonly negotiation: ChannelNegotiation
  private readonly health = new SignalingHealth()
  private readonly recovery = new IceRecovery(() => this.restartIce())
  private readonly recentLoss = new RecentLoss()
  private readonly switches: ServerSwitches
  private readonly isOutgoing: boolean
  private readonly ready: Promise<WebRtcMediaTransport | undefined>
  private transport: WebRtcMediaTransport | undefined
  private network: CallNetworkSettings
  private started = false
  private running = false
  private muted = false
  private remoteMuted = false
  private setupSent = false
  private bars = 0
  private sawTrouble = false
  private barsTimer: NodeJS.Timeout | undefined
  private readonly earlyMessages: SignalingMessage[] = []
  private readonly unsentCandidates: IceCandidate[] = []
  private readonly events: string[] = []
  private readonly createdAt = performance.now()
  private blobsSent = 0
  private blobsReceived = 0
  private lastStats: MediaStats | undefined

  constructor(options: CallEngineSessionOptions, version: SignalingVersion, extras: WebRtcSessionExtras) {
    super()
    this.isOutgoing = options.isOutgoing
    this.network = options.network
    this.switches = readServerSwitches(options.customParameters)
    this.channel = new SignalingChannel({ key: options.key, isOutgoing: options.isOutgoing, version, customParameters: options.customParameters })
    this.channel.on('outgoingBlob', (blob) => {
      this.blobsSent++
      this.emit('signalingData', blob)
    })
    this.channel.on('message', (message) => this.onMessage(message))
    this.channel.on('error', (error) => this.onSignalingError(error))
    this.negotiation = new ChannelNegotiation(options.isOutgoing, {
      offerContents: () => [this.transport!.localAudioContent],
      answer: (offer) => this.transport!.answerRemoteOffer(offer),
      applyAnswer: (answer) => this.transport!.applyRemoteAnswer(answer),
      send: (message) => this.send(message),
    })
    this.ready = WebRtcMediaTransport.create(this.transportOptions(options, extras)).then(
      (transport) => this.adopt(transport),
      (err: unknown) => {
        this.fail(err instanceof Error ? err : new Error(String(err)))
        return undefined
      },
    )
    this.note(`${options.isOutgoing ? 'caller' : 'callee'}, version ${version}, framing ${this.channel.framingKind}${this.switches.loopback ? ', test loopback' : ''}`)
    if (this.switches.unknownKeys.length > 0) this.note(`unknown custom parameters: ${this.switches.unknownKeys.join(', ')}`)
  }

  get state(): MediaState {
    return this.current
  }

  /** The peer's last MediaState said its microphone is muted (it then sends no audio). */
  get peerMuted(): boolean {
    return this.remoteMuted
  }

  start(): void {
    if (this.started || this.isFinished()) return
    this.started = true
    if (this.transport) this.run(this.transport)
  }

  async writeFrame(frame: Int16Array): Promise<void> {
    const transport = this.transport ?? (await this.ready)
    if (!transport) throw new MediaTransportClosedError('the media session is closed')
    return transport.writeFrame(frame)
  }

  frames(): AsyncIterable<Int16Array> {
    const ready = this.ready
    return {
      async *[Symbol.asyncIterator]() {
        const transport = await ready
        if (transport) yield* transport.frames()
      },
    }
  }

  setMuted(muted: boolean): void {
    if (this.isFinished() || muted === this.muted) return
    this.muted = muted
    this.transport?.setMuted(muted)
    this.sendMediaState()
  }

  receiveSignalingData(data: Uint8Array): void {
    if (this.current === MediaState.Closed) return
    this.blobsReceived++
    this.channel.receiveBlob(data)
  }

  setNetworkType(type: NetworkType): void {
    if (this.isFinished()) return
    this.network = { ...this.network, networkType: type }
    this.transport?.setBitrate(encoderBitrate(this.network))
    this.note(`network ${type}, bitrate ${encoderBitrate(this.network)}`)
  }

  needRate(): boolean {
    return this.sawTrouble
  }

  /** tgcalls v2 has no capability bits. */
  peerCapabilities(): number {
    return 0
  }

  stats(): MediaStats {
    if (this.lastStats) return this.lastStats
    const s = this.transport?.stats()
    if (!s) return { bytesSent: 0, bytesReceived: 0, packetsSent: 0, packetsReceived: 0, packetsLost: 0, lossRate: 0, rttMs: Number.NaN, jitterMs: 0, bitrate: 0, signalBars: 0 }
    return {
      bytesSent: s.bytesSent,
      bytesReceived: s.bytesReceived,
      packetsSent: s.packetsSent,
      packetsReceived: s.packetsReceived,
      packetsLost: s.audioPacketsLost,
      lossRate: this.recentLoss.rate,
      rttMs: s.rttMs,
      jitterMs: s.jitterDelayMs,
      bitrate: s.bitrate,
      signalBars: this.bars,
    }
  }

  debugLog(): string {
    const media = this.transport?.stats()
    return JSON.stringify({
      engine: 'tgcalls-v2-werift',
      libraryVersion: this.channel.version,
      role: this.isOutgoing ? 'caller' : 'callee',
      state: this.current,
      framing: this.channel.framingKind,
      signaling: { blobsSent: this.blobsSent, blobsReceived: this.blobsReceived, rejected: this.health.rejected },
      media: media && {
        ...media,
        rttMs: Number.isFinite(media.rttMs) ? media.rttMs : null,
        connectMs: Number.isFinite(media.connectMs) ? media.connectMs : null,
      },
      muted: this.muted,
      peerMuted: this.remoteMuted,
      bitrateSetting: encoderBitrate(this.network),
      iceRestarts: this.recovery.restartCount,
      unknownCustomParameters: this.switches.unknownKeys,
      events: this.events,
    })
  }

  /** Telegram reflectors are not used (§6.3): no relay id to report. */
  preferredRelayId(): bigint {
    return 0n
  }

  close(): void {
    if (this.current === MediaState.Closed) return
    // The last figures stay readable, and stop changing, once the call is over.
    this.lastStats = this.stats()
    this.stopBars()
    this.recovery.stop()
    this.channel.close()
    this.moveTo(MediaState.Closed)
    void this.ready.then((transport) => transport?.close())
  }

  private transportOptions(options: CallEngineSessionOptions, extras: WebRtcSessionExtras): MediaTransportOptions {
    const loopback = this.switches.loopback
    const hasTurn = options.rtcServers.some((server) => server.turn && server.username !== '' && server.password !== '')
    return {
      isOutgoing: options.isOutgoing,
      rtcServers: options.rtcServers,
      // The fake network is 127.0.0.1: relay-only would need a TURN server it may not have.
      allowP2p: options.allowP2p || (loopback && !hasTurn),
      loopback,
      encoder: { bitrate: encoderBitrate(options.network) },
      connectTimeoutMs: Math.min(WATCHDOG_MS, options.connectTimeoutMs),
      silenceTimeoutMs: Math.min(SILENCE_MS, options.packetTimeoutMs),
      simulatedLoss: extras.simulatedLoss,
    }
  }

  private adopt(transport: WebRtcMediaTransport): WebRtcMediaTransport | undefined {
    if (this.current === MediaState.Closed) {
      void transport.close()
      return undefined
    }
    this.transport = transport
    transport.setMuted(this.muted)
    transport.on('candidate', (candidate) => this.onLocalCandidate(candidate))
    // An ICE restart, ours or the peer's: our new credentials go out before the new candidates.
    transport.on('localSetupChanged', () => this.sendSetup(transport))
    transport.on('stateChange', (_old, next) => this.onTransportState(next))
    transport.on('error', (error) => this.fail(error))
    transport.on('dataChannelOpen', () => this.sendMediaState())
    transport.on('dataMessage', (text) => this.onDataMessage(text))
    if (this.started && !this.isFinished()) this.run(transport)
    return transport
  }

  /** Starts gathering, sends the caller's opening messages, then handles what already arrived. */
  private run(transport: WebRtcMediaTransport): void {
    if (this.running) return
    this.running = true
    transport.start()
    if (this.isOutgoing) {
      this.sendSetup(transport)
      this.negotiation.offer()
    }
    for (const message of this.earlyMessages.splice(0)) this.handle(message)
  }

  private onMessage(message: SignalingMessage): void {
    this.health.accepted()
    if (this.running) this.handle(message)
    else if (this.earlyMessages.length < MAX_EARLY_MESSAGES) this.earlyMessages.push(message)
  }

  /** One message from the peer; a parameter the transport refuses drops that message, as tgcalls ignores bad ones. */
  private handle(message: SignalingMessage): void {
    const transport = this.transport
    if (!transport || this.isFinished()) return
    try {
      switch (message.type) {
        case 'InitialSetup':
          transport.setRemoteSetup(message)
          if (!this.setupSent) this.sendSetup(transport)
          return
        case 'NegotiateChannels':
          this.negotiation.receive(message)
          return
        case 'Candidates':
          for (const candidate of message.candidates) transport.addRemoteCandidate(candidate)
          return
        case 'MediaState':
          this.applyPeerState(message)
      }
    } catch (err) {
      if (!(err instanceof InvalidMediaParameterError)) throw err
      this.note(`ignored ${message.type}: ${err.message}`)
    }
  }

  private sendSetup(transport: WebRtcMediaTransport): void {
    this.setupSent = true
    this.send({ type: 'InitialSetup', ...transport.localSetup })
    // The callee's candidates wait for its InitialSetup, which the peer needs first (§4.4).
    for (const candidate of this.unsentCandidates.splice(0)) this.send({ type: 'Candidates', candidates: [candidate] })
  }

  private onLocalCandidate(candidate: IceCandidate): void {
    if (this.setupSent) this.send({ type: 'Candidates', candidates: [candidate] })
    else this.unsentCandidates.push(candidate)
  }

  /** One recovery attempt; the transport declines before its first connection. */
  private restartIce(): boolean {
    const restarted = this.transport?.restartIce() ?? false
    if (restarted) this.note('ICE restart')
    return restarted
  }

  private send(message: SignalingMessage): void {
    this.channel.send(message)
  }

  private mediaState(): MediaStateMessage {
    return { type: 'MediaState', muted: this.muted, lowBattery: false, videoState: 'inactive', screencastState: 'inactive', videoRotation: 0 }
  }

  /** Over the data channel only, as `InstanceV2Impl` does (§4.5); sent again whenever it opens. */
  private sendMediaState(): void {
    this.transport?.sendDataMessage(textDecoder.decode(encodeMessage(this.mediaState())))
  }

  private onDataMessage(text: string): void {
    let message: SignalingMessage | null
    try {
      message = decodeMessage(textEncoder.encode(text))
    } catch {
      this.note('ignored a malformed data-channel message')
      return
    }
    if (message?.type === 'MediaState') this.applyPeerState(message)
  }

  private applyPeerState(state: MediaStateMessage): void {
    if (state.muted === this.remoteMuted) return
    this.remoteMuted = state.muted
    this.transport?.setRemoteMuted(state.muted)
    this.note(state.muted ? 'peer muted' : 'peer unmuted')
  }

  private onSignalingError(error: SignalingError): void {
    const fatal = this.health.judge(error)
    if (fatal) this.fail(fatal)
  }

  private onTransportState(next: MediaTransportState): void {
    this.note(`media ${next}`)
    switch (next) {
      case MediaTransportState.Connected:
        this.recovery.pathUp()
        this.moveTo(MediaState.Established)
        this.startBars()
        return
      case MediaTransportState.Disconnected:
        this.sawTrouble = true
        this.recovery.pathDown()
        this.moveTo(MediaState.Reconnecting)
        this.updateBars(0)
        return
      case MediaTransportState.Failed:
        // The transport's `error` event came first and failed the session with its reason.
        this.moveTo(MediaState.Failed)
    }
  }

  private startBars(): void {
    this.updateBars(4)
    this.barsTimer ??= setInterval(() => {
      if (this.current !== MediaState.Established || !this.transport) return
      const s = this.transport.stats()
      this.recentLoss.sample(s.audioPacketsReceived, s.audioPacketsLost)
      const loss = this.recentLoss.rate
      if (loss > RATE_WORTHY_LOSS) this.sawTrouble = true
      this.updateBars(signalBars(Math.max(loss, s.remoteLossRate), s.rttMs))
    }, 1000)
  }

  private stopBars(): void {
    clearInterval(this.barsTimer)
    this.barsTimer = undefined
  }

  private updateBars(bars: number): void {
    if (bars === this.bars) return
    this.bars = bars
    this.emit('signalBars', bars)
  }

  private fail(error: Error): void {
    if (this.isFinished()) return
    this.note(`failed: ${error.name}: ${error.message}`)
    this.stopBars()
    this.recovery.stop()
    // 'error' without a listener would throw: the state change alone is enough then.
    if (this.listenerCount('error') > 0) this.emit('error', error)
    this.moveTo(MediaState.Failed)
  }

  private note(event: string): void {
    if (this.events.length < MAX_LOG_EVENTS) this.events.push(`${Math.round(performance.now() - this.createdAt)}ms ${event}`)
  }

  private isFinished(): boolean {
    return this.current === MediaState.Failed || this.current === MediaState.Closed
  }

  private moveTo(next: MediaState): void {
    const old = this.current
    // Failed is terminal except for close(); Closed is final.
    if (old === next || old === MediaState.Closed || (old === MediaState.Failed && next !== MediaState.Closed)) return
    this.current = next
    this.emit('stateChange', old, next)
  }
}
