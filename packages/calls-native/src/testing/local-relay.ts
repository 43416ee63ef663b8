/**
 * A relay for tests, built per spec §10.7: datagrams are paired into calls by the
 * first 15 tag bytes plus the high bits of byte 15, the low bit of byte 15 says which
 * side sent them, and a forwarded datagram gets that bit flipped so the receiver sees
 * its own tag. It answers UDP pings (SELF_INFO) and public-endpoint requests
 * (PEER_INFO), accepts obfuscated TCP on the same port (§10.6), and can misbehave on
 * purpose: seeded loss, duplication, reordering, added delay and jitter, ignoring UDP
 * (to force the TCP fallback), and a switch that makes it stop answering altogether.
 */
import { createSocket, type RemoteInfo, type Socket, type SocketOptions } from 'node:dgram'
import { randomBytes } from 'node:crypto'
import { createServer, isIP, type Server, type Socket as TcpSocket } from 'node:net'
import { TcpObfuscatedLink } from './tcp-obfuscated-link.js'
import { buildPeerInfo, buildSelfInfo, classifyDatagram, PEER_TAG_SIZE } from './relay-control.js'
import { SeededRandom } from './seeded-random.js'

export interface RelayFaults {
  /** Probability 0..1 that a forwarded datagram is dropped. */
  lossRate?: number
  /** Probability 0..1 that a forwarded datagram is sent twice. */
  duplicateRate?: number
  /** Probability 0..1 that a datagram is held back so later ones overtake it. */
  reorderRate?: number
  /** Each forwarded datagram is delayed by a uniform random 0..jitterMs milliseconds. */
  jitterMs?: number
  /** A fixed delay added to every forwarded datagram (a far-away relay), milliseconds. */
  delayMs?: number
  /** Seed for all of the above (default 1). */
  seed?: number
}

export interface LocalRelayOptions {
  /** Address to bind (default 127.0.0.1). */
  host?: string
  /** Port to bind (default: any free port). */
  port?: number
  faults?: RelayFaults
}

export interface RelayStats {
  received: number
  forwarded: number
  dropped: number
  duplicated: number
  reordered: number
  pingsAnswered: number
  peerInfosAnswered: number
}

/** The two peer tags of one call: they differ only in bit 0 of byte 15 (§10.2). */
export interface RelayTagPair {
  callerTag: Uint8Array
  calleeTag: Uint8Array
}

interface Side {
  address: string
  port: number
  /** Set when this side talks to the relay over TCP. */
  link?: TcpObfuscatedLink
}

const REORDER_HOLD_MS = 90

/**
 * The relay only ever sends to the IP addresses datagrams came from: answering the
 * address lookup at once spares every forwarded datagram dgram's trip through
 * dns.lookup() and a nextTick.
 */
const literalAddressLookup: SocketOptions['lookup'] = (address, options, callback) => {
  const family = isIP(address)
  if (family === 0) {
    callback(Object.assign(new Error(`LocalRelay sends to IP addresses only, not ${address}`), { code: 'EINVAL' }), '', 0)
    return
  }
  callback(null, address, family)
}

export class LocalRelay {
  private readonly calls = new Map<string, [Side | undefined, Side | undefined]>()
  private readonly pendingTimers = new Set<NodeJS.Timeout>()
  /** Observer for every datagram the relay receives (before faults): packet capture in tests. */
  onDatagram: ((datagram: Buffer, from: RemoteInfo) => void) | undefined
  private faults: Required<RelayFaults>
  private random: SeededRandom
  private answering = true
  private udpEnabled = true
  private readonly tcpClients = new Set<TcpSocket>()
  private closed = false
  readonly stats: RelayStats = {
    received: 0,
    forwarded: 0,
    dropped: 0,
    duplicated: 0,
    reordered: 0,
    pingsAnswered: 0,
    peerInfosAnswered: 0,
  }

  private constructor(
    private readonly socket: Socket,
    private readonly tcpServer: Server,
    readonly host: string,
    readonly port: number,
    faults: RelayFaults,
  ) {
    this.faults = LocalRelay.normalizeFaults(faults)
    this.random = new SeededRandom(this.faults.seed)
    socket.on('message', (message, remote) => this.onMessage(message, remote))
    tcpServer.on('connection', (client) => this.onTcpClient(client))
  }

  static async create(options: LocalRelayOptions = {}): Promise<LocalRelay> {
    const host = options.host ?? '127.0.0.1'
    LocalRelay.normalizeFaults(options.faults ?? {}) // validate before a socket exists
    const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', lookup: literalAddressLookup })
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(options.port ?? 0, host, () => {
        socket.off('error', reject)
        resolve()
      })
    })
    const port = socket.address().port
    // TCP relay endpoints use the same address and port (§10.6).
    const tcpServer = createServer()
    try {
      await new Promise<void>((resolve, reject) => {
        tcpServer.once('error', reject)
        tcpServer.listen(port, host, () => {
          tcpServer.off('error', reject)
          resolve()
        })
      })
    } catch (error) {
      socket.close()
      throw error
    }
    return new LocalRelay(socket, tcpServer, host, port, options.faults ?? {})
  }

  /** Fresh random tags for one call, caller on side 0 and callee on side 1. */
  static createTagPair(): RelayTagPair {
    const callerTag = new Uint8Array(randomBytes(PEER_TAG_SIZE))
    callerTag[15] = callerTag[15]! & 0xfe
    const calleeTag = callerTag.slice()
    calleeTag[15] = callerTag[15]! | 1
    return { callerTag, calleeTag }
  }

  /** Replaces the fault configuration (and reseeds the generator). */
  setFaults(faults: RelayFaults): void {
    this.faults = LocalRelay.normalizeFaults(faults)
    this.random = new SeededRandom(this.faults.seed)
  }

  /**
   * Sends `datagram` (unchanged) from the relay to whichever client last used `tag`, as
   * if the relay had forwarded it: lets tests feed garbage through the trusted path.
   * Returns false if no client has used that tag yet.
   */
  inject(tag: Uint8Array, datagram: Uint8Array): boolean {
    const side = tag[15]! & 1
    const to = this.calls.get(LocalRelay.callKey(tag))?.[side]
    if (!to) return false
    this.send(Buffer.from(datagram), to)
    return true
  }

  /** While false every UDP datagram is ignored (no pongs either): clients must fall back to TCP. */
  setUdpEnabled(enabled: boolean): void {
    this.udpEnabled = enabled
  }

  /** While false the relay silently swallows everything, like a dead server. */
  setAnswering(answering: boolean): void {
    this.answering = answering
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const timer of this.pendingTimers) clearTimeout(timer)
    this.pendingTimers.clear()
    for (const client of this.tcpClients) client.destroy()
    await new Promise<void>((resolve) => this.tcpServer.close(() => resolve()))
    await new Promise<void>((resolve) => this.socket.close(() => resolve()))
  }

  private static normalizeFaults(faults: RelayFaults): Required<RelayFaults> {
    const rate = (value: number | undefined, name: string): number => {
      const v = value ?? 0
      if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be within 0..1, got ${v}`)
      return v
    }
    const jitterMs = faults.jitterMs ?? 0
    if (!(jitterMs >= 0)) throw new RangeError(`jitterMs must be >= 0, got ${jitterMs}`)
    const delayMs = faults.delayMs ?? 0
    if (!(delayMs >= 0)) throw new RangeError(`delayMs must be >= 0, got ${delayMs}`)
    return {
      lossRate: rate(faults.lossRate, 'lossRate'),
      duplicateRate: rate(faults.duplicateRate, 'duplicateRate'),
      reorderRate: rate(faults.reorderRate, 'reorderRate'),
      jitterMs,
      delayMs,
      seed: faults.seed ?? 1,
    }
  }

  private onTcpClient(client: TcpSocket): void {
    if (this.closed) {
      client.destroy()
      return
    }
    this.tcpClients.add(client)
    client.once('close', () => this.tcpClients.delete(client))
    const link = new TcpObfuscatedLink(client, (datagram) => {
      if (this.closed || !this.answering || datagram.length < 32) return
      this.stats.received++
      this.route(datagram, { address: client.remoteAddress ?? '', port: client.remotePort ?? 0, link })
    })
  }

  private onMessage(datagram: Buffer, remote: RemoteInfo): void {
    if (this.closed || !this.answering || !this.udpEnabled || datagram.length < 32) return
    this.stats.received++
    this.onDatagram?.(datagram, remote)
    this.route(datagram, { address: remote.address, port: remote.port })
  }

  private route(datagram: Buffer, from: Side): void {
    const side = datagram[15]! & 1
    const callKey = LocalRelay.callKey(datagram)
    let call = this.calls.get(callKey)
    if (!call) {
      call = [undefined, undefined]
      this.calls.set(callKey, call)
    }
    const known = call[side]
    // Keep the side's entry while it stays put: most datagrams come from where the last one did.
    if (!known || known.link !== from.link || known.port !== from.port || known.address !== from.address) call[side] = from
    const other = call[1 - side]
    const request = classifyDatagram(datagram)
    // Relay requests are UDP-only (§10.6).
    if (from.link && request.kind !== 'data') return
    switch (request.kind) {
      case 'ping':
        this.stats.pingsAnswered++
        this.send(buildSelfInfo(datagram.subarray(0, PEER_TAG_SIZE), request.queryId, from.address, from.port), from)
        return
      case 'publicEndpoints':
        if (other) {
          this.stats.peerInfosAnswered++
          this.send(buildPeerInfo(datagram.subarray(0, PEER_TAG_SIZE), call[side]!, other), call[side]!)
        }
        return
      case 'unknownControl':
        return
      case 'data':
        break
    }
    if (!other) {
      this.stats.dropped++
      return
    }
    const forwarded = Buffer.from(datagram)
    forwarded[15] = forwarded[15]! ^ 1
    this.forwardWithFaults(forwarded, other)
  }

  /**
   * A call is identified by the tag without its side bit (§10.7 step 2): its 16 bytes as
   * a latin1 string (one character per byte, no copy of the datagram) with that bit cleared.
   */
  private static callKey(tag: Uint8Array): string {
    const bytes = Buffer.isBuffer(tag) ? tag : Buffer.from(tag.buffer, tag.byteOffset, tag.byteLength)
    return bytes.toString('latin1', 0, 15) + String.fromCharCode(tag[15]! & 0xfe)
  }

  private forwardWithFaults(datagram: Buffer, to: Side): void {
    if (this.random.chance(this.faults.lossRate)) {
      this.stats.dropped++
      return
    }
    const copies = this.random.chance(this.faults.duplicateRate) ? 2 : 1
    if (copies === 2) this.stats.duplicated++
    for (let i = 0; i < copies; i++) {
      let delay = this.faults.delayMs + (this.faults.jitterMs > 0 ? this.random.next() * this.faults.jitterMs : 0)
      if (this.random.chance(this.faults.reorderRate)) {
        this.stats.reordered++
        delay += REORDER_HOLD_MS
      }
      this.stats.forwarded++
      if (delay <= 0) {
        this.send(datagram, to)
      } else {
        const timer = setTimeout(() => {
          this.pendingTimers.delete(timer)
          this.send(datagram, to)
        }, delay)
        this.pendingTimers.add(timer)
      }
    }
  }

  private send(datagram: Buffer, to: Side): void {
    if (this.closed) return
    if (to.link) to.link.send(datagram)
    else this.socket.send(datagram, to.port, to.address)
  }
}
