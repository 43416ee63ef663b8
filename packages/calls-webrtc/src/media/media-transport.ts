/**
 * One call side's tgcalls v2 media over werift (spec §5): ICE (caller controlling, callee
 * controlled), DTLS-SRTP (caller client, callee server), Opus RTP/RTCP for one audio channel
 * each way, and the SCTP data channel "data" (id 0, negotiated on both sides) for
 * MediaState. Driven through werift's transport objects directly rather than SDP: the
 * parameters go in and out as the §4 message bodies (`media-params.ts`), which the
 * signaling layer wraps into JSON.
 *
 * PCM crosses as 960-sample frames: writeFrame() is paced by a 20 ms clock, and received
 * audio comes out of the libtgvoip engine's jitter buffer (FEC, PLC) one frame per 20 ms
 * as `frame` events and frames().
 */
import { EventEmitter } from 'node:events'
import { AudioJitterBuffer, OpusEncoder } from '@tgvoip/calls-native/codec'
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  RTCDataChannel,
  RTCDataChannelParameters,
  RTCDtlsFingerprint,
  RTCDtlsParameters,
  RTCDtlsTransport,
  RTCIceGatherer,
  RTCIceParameters,
  RTCIceTransport,
  RTCSctpTransport,
  type Candidate,
  type IceConnection,
  type RTCCertificate,
} from 'werift'
import { acceptedOutgoing, answerAudioOffer, audioOffer } from './audio-negotiation.js'
import { AudioReceiver } from './audio-receiver.js'
import { AudioSender } from './audio-sender.js'
import { formatLocalCandidate, parseRemoteCandidate } from './candidates.js'
import { ConnectionWatch } from './connection-watch.js'
import { certificateFingerprint, createCallCertificate, dtlsRole } from './dtls-setup.js'
import { FrameClock } from './frame-clock.js'
import { FrameStream } from './frame-stream.js'
import { iceSetup, LOOPBACK_ADDRESS, type IceSetup } from './ice-options.js'
import { InvalidMediaParameterError, MediaConnectionError, MediaTransportClosedError } from './media-errors.js'
import type { DtlsFingerprint, IceCandidate, MediaContent, TransportSetup } from '../signaling/messages/types.js'
import { useNodeSrtp } from './node-srtp.js'
import { RtcpSession } from './rtcp-session.js'
import { seededLoss } from './simulated-loss.js'
import type { MediaTransportEvents, MediaTransportOptions } from './transport-options.js'
import { MediaTransportState, type MediaTransportStats } from './transport-state.js'
import { applyPeerIceCredentials, pairLateRelayCandidate, startDtlsClientNow } from './werift-gaps.js'

const SCTP_PORT = 5000
/**
 * Limits on what a peer can make us hold: tgcalls trickles a dozen or two candidates
 * (§8.13); ICE credentials are at most 256 characters (RFC 8839); MediaState is tiny.
 */
const MAX_REMOTE_CANDIDATES = 100
const MAX_ICE_CREDENTIAL = 256
const MAX_DATA_MESSAGE = 16 * 1024
const RTCP_INTERVAL_MS = 1000
/** The encoder's expected-loss setting follows the peer's reports within these bounds. */
const FEC_LOSS_PERCENT = { min: 5, max: 40 }

function describePair(local: Candidate, remote: Candidate): string {
  return `${local.transport} ${local.host}:${local.port} ${local.type} -> ${remote.transport} ${remote.host}:${remote.port} ${remote.type}`
}

export class WebRtcMediaTransport extends EventEmitter<MediaTransportEvents> {
  /** Creates a transport (generating its DTLS certificate); start() begins gathering. */
  static async create(options: MediaTransportOptions): Promise<WebRtcMediaTransport> {
    const ice = iceSetup({ rtcServers: options.rtcServers ?? [], allowP2p: options.allowP2p ?? true, loopback: options.loopback ?? false })
    for (const name of ['connectTimeoutMs', 'silenceTimeoutMs'] as const) {
      const value = options[name]
      if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
        throw new InvalidMediaParameterError(`${name} must be a positive integer (got ${value})`)
      }
    }
    const loss = options.simulatedLoss
    const dropPacket = loss ? seededLoss(loss.rate, loss.seed) : undefined
    return new WebRtcMediaTransport(options, ice, dropPacket, createCallCertificate())
  }

  private current = MediaTransportState.New
  private readonly isOutgoing: boolean
  private readonly loopback: boolean
  private readonly relayOnly: boolean
  private readonly gatherer: RTCIceGatherer
  private readonly ice: RTCIceTransport
  private readonly dtls: RTCDtlsTransport
  private readonly sctp: RTCSctpTransport
  private readonly dataChannel: RTCDataChannel
  private readonly encoder: OpusEncoder
  private readonly jitter: AudioJitterBuffer
  private readonly sender: AudioSender
  private readonly receiver: AudioReceiver
  private readonly rtcp: RtcpSession
  private readonly clock: FrameClock
  private readonly watch: ConnectionWatch
  private readonly frameStream = new FrameStream()
  /** Our certificate's InitialSetup entry (its fingerprint is worked out once). */
  private readonly fingerprint: DtlsFingerprint
  private readonly pendingCandidates: Candidate[] = []
  private remoteCandidateCount = 0
  private remoteSetup: TransportSetup | undefined
  private rtcpTimer: NodeJS.Timeout | undefined
  /** The selected pair and its receive count at the last liveness look. */
  private lastPair: { pair: IceConnection['nominated']; count: number } = { pair: undefined, count: 0 }
  private startedAt = Number.NaN
  private connectMs = Number.NaN
  /** DTLS-SRTP came up once: from then on the association survives ICE restarts. */
  private secured = false
  private playing = false
  private bitrate = 0
  private bitrateMark = { at: 0, bytes: 0 }
  private closing: Promise<void> | undefined

  private constructor(
    options: MediaTransportOptions,
    ice: IceSetup,
    dropPacket: (() => boolean) | undefined,
    certificate: RTCCertificate,
  ) {
    super()
    this.isOutgoing = options.isOutgoing
    this.loopback = options.loopback ?? false
    this.relayOnly = ice.relayOnly
    const connectTimeoutMs = options.connectTimeoutMs ?? 20_000
    this.watch = new ConnectionWatch(connectTimeoutMs, options.silenceTimeoutMs ?? 10_000, {
      up: () => {
        this.playing = true
        this.moveTo(MediaTransportState.Connected)
      },
      down: () => this.moveTo(MediaTransportState.Disconnected),
      timeout: () => this.fail(new MediaConnectionError(`no media connection for ${connectTimeoutMs} ms`)),
    })
    this.fingerprint = certificateFingerprint(certificate, this.isOutgoing ? 'actpass' : 'passive')
    this.encoder = new OpusEncoder(options.encoder)
    this.jitter = new AudioJitterBuffer(options.jitterBuffer)
    this.sender = new AudioSender(this.encoder, (header, payload) => void this.dtls.sendRtp(payload, header), dropPacket)
    this.receiver = new AudioReceiver(this.jitter)
    this.rtcp = new RtcpSession(this.sender, this.receiver, {
      onRemoteLoss: (fraction) => {
        const percent = Math.round(fraction * 100)
        this.encoder.setPacketLossPercent(Math.min(FEC_LOSS_PERCENT.max, Math.max(FEC_LOSS_PERCENT.min, percent)))
      },
    })
    this.clock = new FrameClock({
      slot: () => this.sender.tick(),
      missed: (slots) => this.sender.skip(slots),
      after: (now) => this.deliverFrames(now),
    })

    this.gatherer = new RTCIceGatherer(ice.options)
    if (!ice.useStun) this.gatherer.connection.stunServer = undefined
    this.gatherer.connection.iceControlling = this.isOutgoing
    this.ice = new RTCIceTransport(this.gatherer)
    this.gatherer.connection.onIceCandidate.subscribe((candidate) => this.onLocalCandidate(candidate))
    this.ice.onStateChange.subscribe((state) => this.onIceState(state))
    this.dtls = new RTCDtlsTransport({}, this.ice, certificate, [ProtectionProfileAeadAes128Gcm, ProtectionProfileAes128CmHmacSha1_80])
    this.dtls.role = dtlsRole(undefined, this.isOutgoing)
    this.dtls.onRtp.subscribe((packet) => this.receiver.onRtp(packet, performance.now()))
    this.dtls.onRtcp.subscribe((packet) => this.rtcp.onRtcp(packet, performance.now()))
    this.sctp = new RTCSctpTransport(SCTP_PORT)
    this.sctp.setDtlsTransport(this.dtls)
    this.dataChannel = new RTCDataChannel(this.sctp, new RTCDataChannelParameters({ label: 'data', id: 0, negotiated: true, ordered: true }))
    this.dataChannel.stateChanged.subscribe((state) => state === 'open' && this.emit('dataChannelOpen'))
    this.dataChannel.onMessage.subscribe((message) => typeof message === 'string' && this.emit('dataMessage', message))
  }

  get state(): MediaTransportState {
    return this.current
  }

  /** Our `InitialSetup` body: caller `actpass`, callee `passive` (§4.2). No renomination (§5.2). */
  get localSetup(): TransportSetup {
    const { usernameFragment, password } = this.gatherer.localParameters
    return { ufrag: usernameFragment, pwd: password, renomination: false, fingerprints: [this.fingerprint] }
  }

  /** Our outgoing audio channel, for our `NegotiateChannels` offer. */
  get localAudioContent(): MediaContent {
    return audioOffer(this.sender.ssrc)
  }

  /** Starts gathering (candidates follow as events), the clock and the watchdog. */
  start(): void {
    this.assertOpen('start')
    if (this.current !== MediaTransportState.New) return
    this.startedAt = performance.now()
    this.moveTo(MediaTransportState.Connecting)
    this.watch.start()
    this.clock.start()
    this.gatherer.gather().catch((err: unknown) => this.fail(new MediaConnectionError(`candidate gathering failed: ${String(err)}`)))
    if (this.remoteSetup) this.connect()
  }

  /**
   * The peer's `InitialSetup` body. A later one with other ICE credentials is the peer's ICE
   * restart (see acceptPeerRestart); a repeat is ignored.
   */
  setRemoteSetup(setup: TransportSetup): void {
    this.assertOpen('setRemoteSetup')
    const fingerprint = setup?.fingerprints?.[0]
    const credential = (value: unknown): boolean => typeof value === 'string' && value.length > 0 && value.length <= MAX_ICE_CREDENTIAL
    if (!credential(setup?.ufrag) || !credential(setup.pwd)) {
      throw new InvalidMediaParameterError('InitialSetup needs ufrag and pwd of 1..256 characters')
    }
    if (typeof fingerprint?.hash !== 'string' || typeof fingerprint.fingerprint !== 'string' || !/^[0-9a-f]{2}(:[0-9a-f]{2})+$/i.test(fingerprint.fingerprint)) {
      throw new InvalidMediaParameterError('InitialSetup needs a DTLS fingerprint (hash and colon-separated hex)')
    }
    if (this.remoteSetup) {
      if (setup.ufrag !== this.remoteSetup.ufrag || setup.pwd !== this.remoteSetup.pwd) this.acceptPeerRestart(setup)
      return
    }
    this.remoteSetup = setup
    this.ice.setRemoteParams(new RTCIceParameters({ usernameFragment: setup.ufrag, password: setup.pwd }))
    this.dtls.role = dtlsRole(fingerprint.setup, this.isOutgoing)
    this.dtls.setRemoteParams(new RTCDtlsParameters([new RTCDtlsFingerprint(fingerprint.hash.toLowerCase(), fingerprint.fingerprint)], 'auto'))
    for (const candidate of this.pendingCandidates.splice(0)) void this.gatherer.connection.addRemoteCandidate(candidate)
    if (this.current === MediaTransportState.Connecting) this.connect()
  }

  /**
   * One candidate from the peer's `Candidates` message (queued until its InitialSetup is
   * applied, §4.4). Returns false for candidates we cannot use (`.reflector`, TCP, …) and
   * for any beyond the 100th; throws InvalidMediaParameterError for a string that is not a
   * candidate.
   */
  addRemoteCandidate(candidate: IceCandidate): boolean {
    this.assertOpen('addRemoteCandidate')
    const verdict = parseRemoteCandidate(candidate)
    if (!verdict.usable || this.remoteCandidateCount >= MAX_REMOTE_CANDIDATES) return false
    this.remoteCandidateCount++
    if (this.remoteSetup) void this.gatherer.connection.addRemoteCandidate(verdict.candidate)
    else this.pendingCandidates.push(verdict.candidate)
    return true
  }

  /**
   * Restarts ICE from our side (Web K does so after 2 s without a path, §7.2): new local
   * credentials, candidates gathered again, connectivity checks from scratch; DTLS, SRTP and
   * the data channel stay as they are. The peer keeps its credentials (tgcalls answers with
   * its unchanged InitialSetup, §5.2). Emits `localSetupChanged` first: our InitialSetup
   * must reach the peer before the new candidates. Returns false, doing nothing, before the
   * first connection or once finished.
   */
  restartIce(): boolean {
    this.assertOpen('restartIce')
    const remote = this.remoteSetup
    if (!this.secured || !remote || this.isFinished()) return false
    const peerCandidates = [...this.gatherer.connection.remoteCandidates]
    this.ice.restart()
    // werift's restart forgets the peer's credentials and candidates; they have not changed.
    this.gatherer.connection.setRemoteParams({ iceLite: false, usernameFragment: remote.ufrag, password: remote.pwd })
    for (const candidate of peerCandidates) void this.gatherer.connection.addRemoteCandidate(candidate)
    this.emit('localSetupChanged')
    this.gatherer.gather().catch((err: unknown) => this.fail(new MediaConnectionError(`candidate gathering failed: ${String(err)}`)))
    // The agent itself, not werift's transport: a failed start there blocks every later one.
    // Checks that find no path leave it down; the next restart or the watchdog follows.
    this.gatherer.connection.connect().catch(() => undefined)
    return true
  }

  /**
   * The peer restarted ICE (§5.2): new credentials and candidates, the same DTLS certificate
   * and association. As tgcalls does, we keep our own credentials; the pair the checks on
   * the peer's new ones select takes over (until then nothing is sent).
   */
  private acceptPeerRestart(setup: TransportSetup): void {
    const sameCertificate = setup.fingerprints[0]!.fingerprint.toUpperCase() === this.remoteSetup!.fingerprints[0]!.fingerprint.toUpperCase()
    if (!sameCertificate) throw new InvalidMediaParameterError('an ICE restart must keep the DTLS certificate')
    // The agent keeps the earlier candidates too: the 100-candidate cap holds for the whole call.
    this.remoteSetup = setup
    applyPeerIceCredentials(this.gatherer.connection, setup.ufrag, setup.pwd)
  }

  /** Answers the peer's `NegotiateChannels` offer (§4.6): the contents of our answer. */
  answerRemoteOffer(contents: readonly MediaContent[]): MediaContent[] {
    this.assertOpen('answerRemoteOffer')
    const { answer, incoming } = answerAudioOffer(contents)
    this.receiver.setChannel(incoming)
    return answer
  }

  /** The peer's answer to our offer: we send audio only if it accepted our channel (§4.6 rule 2). */
  applyRemoteAnswer(contents: readonly MediaContent[]): void {
    this.assertOpen('applyRemoteAnswer')
    this.sender.setChannel(acceptedOutgoing(contents, this.sender.ssrc))
  }

  /** Queues one 960-sample frame; resolves when there is room for the next (paced at 20 ms once audio flows). */
  writeFrame(frame: Int16Array): Promise<void> {
    return this.sender.write(frame)
  }

  /** Received audio, one frame per 20 ms once connected; ends at close(). */
  frames(): AsyncIterable<Int16Array> {
    return this.frameStream.iterate()
  }

  /** Muted: no audio RTP at all, as tgcalls does (§4.5); queued audio is consumed and dropped. */
  setMuted(muted: boolean): void {
    this.sender.setMuted(muted)
  }

  /** Our Opus bitrate in bit/s (network type, data saving). */
  setBitrate(bitsPerSecond: number): void {
    if (!this.jitter.closed) this.encoder.setBitrate(bitsPerSecond)
  }

  /** The peer's MediaState said it is muted: play silence at once instead of concealing. */
  setRemoteMuted(muted: boolean): void {
    if (!this.jitter.closed) this.receiver.setPeerMuted(muted)
  }

  /** Sends a text message (our MediaState JSON) on the data channel; false until it is open. */
  sendDataMessage(text: string): boolean {
    if (typeof text !== 'string' || text.length > MAX_DATA_MESSAGE) {
      throw new InvalidMediaParameterError(`a data message is a string of at most ${MAX_DATA_MESSAGE} characters`)
    }
    if (this.dataChannel.readyState !== 'open') return false
    this.dataChannel.send(text)
    return true
  }

  stats(): MediaTransportStats {
    const stream = this.receiver.receiveStream
    const jitter = this.jitter.closed ? undefined : this.jitter.stats()
    const pair = this.gatherer.connection.nominated
    const expected = stream?.expected ?? 0
    return {
      bytesSent: this.dtls.bytesSent,
      bytesReceived: this.dtls.bytesReceived,
      packetsSent: this.dtls.packetsSent,
      packetsReceived: this.dtls.packetsReceived,
      audioPacketsSent: this.sender.packetsSent,
      audioPacketsReceived: stream?.packetsReceived ?? 0,
      audioPacketsLost: stream?.packetsLost ?? 0,
      lossRate: expected > 0 ? (stream?.packetsLost ?? 0) / expected : 0,
      remoteLossRate: this.rtcp.remoteLossRate,
      rttMs: this.rtcp.rttMs,
      jitterDelayMs: jitter?.delayMs ?? 0,
      framesDecoded: jitter?.framesPrimary ?? 0,
      framesRecoveredByFec: jitter?.framesInbandFec ?? 0,
      framesConcealed: jitter?.framesConcealed ?? 0,
      selectedPair: pair ? describePair(pair.localCandidate, pair.remoteCandidate) : '',
      connectMs: this.connectMs,
      bitrate: this.bitrate,
      iceRole: this.ice.role,
      dtlsRole: this.dtls.role,
    }
  }

  /** Stops everything and closes every socket and timer; idempotent. Resolves when werift has shut down. */
  close(): Promise<void> {
    this.closing ??= this.shutDown()
    return this.closing
  }

  private async shutDown(): Promise<void> {
    this.moveTo(MediaTransportState.Closed)
    this.stopTimers()
    this.sender.close()
    this.frameStream.end()
    try {
      await this.sctp.stop()
    } catch {
      // An association that never started has nothing to stop.
    }
    await this.dtls.stop()
    await this.ice.stop()
    this.encoder.close()
    this.jitter.close()
  }

  /**
   * The DTLS server listens from the start, before its ICE is up, so that the client's
   * ClientHello (sent the moment the client's ICE is up) is never lost to a server that
   * does not exist yet: a lost hello costs werift's 0.5 s retransmission.
   */
  private connect(): void {
    const secure =
      this.dtls.role === 'server'
        ? Promise.all([this.ice.start(), this.dtls.start()])
        : this.ice.start().then(() => startDtlsClientNow(this.dtls))
    secure
      .then(() => this.onSecure())
      .catch((err: unknown) => this.fail(new MediaConnectionError(`media connection failed: ${err instanceof Error ? err.message : String(err)}`)))
  }

  private onSecure(): void {
    if (this.isFinished()) return
    // Same keys and rollover state, per-packet crypto without werift's per-packet key import.
    useNodeSrtp(this.dtls.srtp)
    this.secured = true
    this.connectMs = performance.now() - this.startedAt
    this.sender.setReady(true)
    // The first bitrate is known one tick after the path is up, not two.
    this.bitrateMark = { at: performance.now(), bytes: this.sender.payloadBytesSent }
    this.rtcpTimer = setInterval(() => this.everySecond(), RTCP_INTERVAL_MS)
    this.watch.setSecure()
    this.sctp.start(SCTP_PORT).catch(() => {
      // The data channel only carries MediaState: the call goes on without it.
    })
  }

  /**
   * ICE failing before the first connection fails the call. Once connected, it only takes
   * the path down: ICE restarts may bring it back, and the watchdog ends the call if
   * nothing does (§7.1).
   */
  private onIceState(state: string): void {
    // werift's agent reports 'completed' when gathering ends: it says nothing of the path.
    if (this.isFinished() || state === 'completed') return
    if (state === 'failed' && !this.secured) this.fail(new MediaConnectionError('ICE failed: no candidate pair works'))
    else this.watch.setIceUp(state === 'connected')
  }

  private onLocalCandidate(candidate: Candidate): void {
    if (this.isFinished() || candidate.transport.toLowerCase() !== 'udp') return
    if (candidate.type === 'relay') pairLateRelayCandidate(this.gatherer.connection, candidate)
    if (this.relayOnly && candidate.type !== 'relay') return
    if (this.loopback && candidate.type === 'host' && candidate.host !== LOOPBACK_ADDRESS) return
    this.emit('candidate', formatLocalCandidate(candidate, this.relayOnly))
  }

  private deliverFrames(nowMs: number): void {
    if (!this.playing || this.jitter.closed) return
    for (const frame of this.receiver.pull(nowMs)) {
      this.emit('frame', frame)
      this.frameStream.push(frame)
    }
  }

  /** RTCP, liveness of the path, and the outgoing bitrate. */
  private everySecond(): void {
    const now = performance.now()
    void this.dtls.sendRtcp([this.rtcp.report(now)])
    this.watch.heard(this.heardOnSelectedPair(), now)
    const bytes = this.sender.payloadBytesSent
    if (this.bitrateMark.at > 0) this.bitrate = Math.round(((bytes - this.bitrateMark.bytes) * 8 * 1000) / (now - this.bitrateMark.at))
    this.bitrateMark = { at: now, bytes }
  }

  /** Whether the selected pair received anything (media, RTCP, checks) since the last look; a newly selected pair did. */
  private heardOnSelectedPair(): boolean {
    const pair = this.gatherer.connection.nominated
    if (!pair) return false
    const count = pair.packetsReceived + pair.requestsReceived + pair.responsesReceived
    const heard = pair !== this.lastPair.pair || count !== this.lastPair.count
    this.lastPair = { pair, count }
    return heard
  }

  private fail(error: MediaConnectionError): void {
    if (this.isFinished()) return
    this.stopTimers()
    this.sender.setReady(false)
    if (this.listenerCount('error') > 0) this.emit('error', error)
    this.moveTo(MediaTransportState.Failed)
  }

  private stopTimers(): void {
    this.clock.stop()
    this.watch.stop()
    clearInterval(this.rtcpTimer)
    this.rtcpTimer = undefined
  }

  private isFinished(): boolean {
    return this.current === MediaTransportState.Failed || this.current === MediaTransportState.Closed
  }

  private assertOpen(method: string): void {
    if (this.current === MediaTransportState.Closed) throw new MediaTransportClosedError(`${method}() after close()`)
  }

  private moveTo(next: MediaTransportState): void {
    const old = this.current
    if (old === next || old === MediaTransportState.Closed) return
    this.current = next
    this.emit('stateChange', old, next)
  }
}
