/**
 * Runs scripts/interop/libtgvoip-peer (the real libtgvoip on one side of a call) as a
 * child process, optionally inside a network namespace, and reads its JSON lines and
 * its recording (raw s16le, 48 kHz mono).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { ProxyOptions } from '../../../src/index.js'

/** libtgvoip's own state numbers (VoIPController.h), which the peer reports by name. */
export type PeerState = 'WAIT_INIT' | 'WAIT_INIT_ACK' | 'ESTABLISHED' | 'FAILED' | 'RECONNECTING'

/** A relay as libtgvoip gets it: like our Endpoint, `ip` or `ipv6` may be empty. */
export interface PeerRelay {
  id: bigint
  ip: string
  ipv6: string
  port: number
  tag: Uint8Array
  /** Give libtgvoip a TCP_RELAY endpoint instead of a UDP one. */
  tcp?: boolean
}

export interface PeerOptions {
  binary: string
  key: Uint8Array
  outgoing: boolean
  relays: PeerRelay[]
  /** SetProxy(PROXY_SOCKS5, ...) on libtgvoip. */
  proxy?: ProxyOptions
  /** SetRemoteEndpoints(..., allowP2p). */
  allowP2p?: boolean
  /** SetNetworkType(NET_TYPE_ETHERNET): libtgvoip then looks for an IPv6 address of its own. */
  ethernet?: boolean
  tone: number
  /** How long the call lasts from Connect(). */
  seconds: number
  initTimeout?: number
  recvTimeout?: number
  /** Network namespace to run in (ip netns exec). */
  ns?: string
}

/** The peer's last line: libtgvoip's view of the call when it ended. */
export interface PeerEnd {
  state: PeerState
  everEstablished: boolean
  /** ms from the peer's start to its first ESTABLISHED (-1: never). */
  establishedAtMs: number
  lastError: number
  preferredRelayId: number
  bytesSent: number
  bytesReceived: number
  framesPlayed: number
  framesRecorded: number
  /** GetDebugString(): one line per endpoint, the one in use marked IN_USE. */
  debugString: string
  debugLog: unknown
}

type PeerEvent =
  | { event: 'version'; version: string; connectionMaxLayer: number }
  | { event: 'state'; state: PeerState; code: number; atMs: number }
  | ({ event: 'end' } & PeerEnd)

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

export class LibtgvoipPeer {
  readonly states: { state: PeerState; atMs: number }[] = []
  version: string | undefined
  private readonly stderr: string[] = []
  private readonly ended: Promise<{ end: PeerEnd | undefined; code: number | null }>

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    let end: PeerEnd | undefined
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as PeerEvent
      if (event.event === 'version') this.version = event.version
      else if (event.event === 'state') this.states.push({ state: event.state, atMs: event.atMs })
      else end = event
    })
    child.stderr!.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()))
    this.ended = new Promise((resolve) => child.once('close', (code) => resolve({ end, code })))
  }

  static start(options: PeerOptions): LibtgvoipPeer {
    const dir = mkdtempSync(join(tmpdir(), 'tgvoip-libtgvoip-peer-'))
    const args = [
      '--key', hex(options.key),
      options.outgoing ? '--outgoing' : '--incoming',
      ...options.relays.flatMap((relay) => ['--relay', [relay.id, relay.ip, relay.ipv6, relay.port, hex(relay.tag), ...(relay.tcp ? ['tcp'] : [])].join(',')]),
      ...(options.allowP2p ? ['--p2p'] : []),
      ...(options.ethernet ? ['--ethernet'] : []),
      '--tone', String(options.tone),
      '--record', join(dir, 'heard.s16le'),
      '--log', join(dir, 'libtgvoip.log'),
      '--seconds', String(options.seconds),
      '--init-timeout', String(options.initTimeout ?? 10),
      '--recv-timeout', String(options.recvTimeout ?? 10),
    ]
    const env = { ...process.env }
    if (options.proxy) {
      args.push('--proxy', [options.proxy.host, options.proxy.port, ...(options.proxy.username ? [options.proxy.username] : [])].join(':'))
      env.LIBTGVOIP_PEER_PROXY_PASSWORD = options.proxy.password ?? ''
    }
    const [command, commandArgs] = options.ns ? ['ip', ['netns', 'exec', options.ns, options.binary, ...args]] : [options.binary, args]
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'], env })
    return new LibtgvoipPeer(child, dir)
  }

  /** Resolves with the peer's last line once it has exited; rejects if it printed none. */
  async finished(): Promise<PeerEnd> {
    const { end, code } = await this.ended
    if (!end) throw new Error(`libtgvoip-peer exited with ${code} without a result:\n${this.stderr.join('')}\n${this.log().slice(-4000)}`)
    return end
  }

  /** Resolves when libtgvoip reports `state`; rejects when it ends first or after `timeoutMs`. */
  async waitForState(state: PeerState, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!this.states.some((entry) => entry.state === state)) {
      if (this.child.exitCode !== null || Date.now() > deadline) {
        const seen = this.states.map((entry) => entry.state).join(' -> ') || 'none'
        throw new Error(`libtgvoip did not reach ${state} (states: ${seen})\n${this.log().slice(-4000)}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  /** What libtgvoip played out (everything its audio output pulled), s16 48 kHz mono. */
  recording(): Int16Array {
    const bytes = readFileSync(join(this.dir, 'heard.s16le'))
    return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1)
  }

  /** libtgvoip's own log (for failure messages). */
  log(): string {
    try {
      return readFileSync(join(this.dir, 'libtgvoip.log'), 'utf8')
    } catch {
      return ''
    }
  }

  /** Ends the call early (SIGTERM: the peer stops libtgvoip and prints its result). */
  async stop(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM')
    await this.ended
  }

  dispose(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL')
    rmSync(this.dir, { recursive: true, force: true })
  }
}
