/**
 * pytgvoip's logging options made real: a human-readable call log (one timestamped line
 * per event, a summary at the end), a periodically rewritten status dump, and per-second
 * packet counters. Nothing secret is written: endpoints appear as ids and addresses only,
 * never peer tags, and the key never reaches this file. I/O never throws into the call.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { CallError, CallState, DataSaving } from '../enums.js'
import type { NativeEndpoint } from '../native/native-addon.js'
import { optionalBoolean, optionalPath, type LogFileConfig, type NativeCallConfig } from './call-config.js'
import { debugChannel, LogLineWriter } from './log-line-writer.js'
import { formatRtt, type Stats } from './stats.js'
import { StatusDump } from './status-dump.js'

export interface CallLogOptions {
  debug?: boolean
  logsDir?: string
}

/** What the log reads from the running call. */
export interface CallProbe {
  debugString(): string
  stats(): Stats
}

export interface CallSummary {
  state: CallState
  lastError: CallError
  durationSeconds: number
  stats: Stats
  debugString: string
  /** The native JSON debug log, taken before the native call was released. */
  debugLog: string
}

const TICK_MS = 1000
/** Lines logged before setConfig() names the file (endpoints set first, say) wait here. */
const MAX_EARLY_LINES = 32

const stamp = (): string => new Date().toISOString()
const statsJson = (stats: Stats): string =>
  JSON.stringify(stats, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))

export class CallLog {
  private readonly debug: boolean
  private readonly logsDir: string | undefined
  private logsDirReady: boolean | undefined
  private writer: LogLineWriter | undefined
  private status: StatusDump | undefined
  private earlyLines: string[] | undefined = []
  private logPacketStats = false
  private running = false
  private ticker: NodeJS.Timeout | undefined
  private micMuted = false
  private closing: Promise<void> | undefined
  private resolveClosed!: () => void
  private readonly closedPromise = new Promise<void>((resolve) => (this.resolveClosed = resolve))

  constructor(
    options: CallLogOptions,
    private readonly probe: CallProbe,
  ) {
    this.debug = optionalBoolean(options.debug, 'debug') ?? false
    // An empty logsDir means "none", like pytgvoip's empty persistent_state_file.
    this.logsDir = optionalPath(options.logsDir, 'logsDir') || undefined
  }

  /** True while there is a file to write: the controller only gathers a summary then. */
  get active(): boolean {
    return this.writer !== undefined || this.status !== undefined
  }

  /** Opens the files the config names (first setConfig() that names them wins). */
  configure(config: NativeCallConfig, files: LogFileConfig): void {
    const { callId } = config
    const logPath = this.resolvePath(files.logFilePath, `${callId}.log`, true)
    const statusPath = this.resolvePath(files.statusDumpPath, `${callId}.status`, this.debug)
    this.logPacketStats = files.logPacketStats ?? this.debug
    if (!this.writer && logPath) {
      this.writer = new LogLineWriter(logPath)
      for (const line of this.earlyLines ?? []) this.writer.write(line)
    }
    this.earlyLines = undefined
    this.status ??= statusPath ? new StatusDump(statusPath) : undefined
    this.note(
      `config: call ${callId}, init timeout ${config.initTimeout} s, recv timeout ${config.recvTimeout} s, ` +
        `data saving ${DataSaving[config.dataSaving]}, ` +
        `status dump ${this.status?.path ?? 'off'}, packet stats ${this.logPacketStats ? 'on' : 'off'}`,
    )
    if (this.running) this.startTicker()
  }

  endpoints(endpoints: readonly NativeEndpoint[], allowP2p: boolean, tcp: boolean, maxLayer: number): void {
    const list = endpoints.map((e) => `#${e.id} ${e.ip}${e.ipv6 ? ` [${e.ipv6}]` : ''}:${e.port}`).join(', ')
    this.note(`endpoints: ${list}; p2p ${allowP2p ? 'allowed' : 'off'}, tcp ${tcp ? 'on' : 'off'}, max layer ${maxLayer}`)
  }

  /** The proxy's address only: its credentials are never logged. */
  proxy(address: string, withPassword: boolean): void {
    this.note(`proxy: SOCKS5 ${address}${withPassword ? ' with username/password' : ''}; p2p off`)
  }

  proxyError(error: Error): void {
    this.note(`proxy error: ${error.name}: ${error.message}`)
  }

  connected(): void {
    this.running = true
    this.note('connect')
    this.startTicker()
  }

  stateChanged(old: CallState, state: CallState, error: CallError): void {
    this.note(`state ${CallState[old]} -> ${CallState[state]}`)
    if (state === CallState.FAILED) this.note(`error ${CallError[error] ?? error}`)
  }

  signalBars(bars: number): void {
    this.note(`signal bars ${bars}`)
  }

  micMute(muted: boolean): void {
    if (muted === this.micMuted) return
    this.micMuted = muted
    this.note(muted ? 'mic muted' : 'mic unmuted')
  }

  /** Stops the ticker, writes the summary and the final status, then closes the files. */
  close(summary: CallSummary): Promise<void> {
    if (this.closing) return this.closing
    clearInterval(this.ticker)
    this.ticker = undefined
    this.running = false
    const done: Promise<void>[] = []
    if (this.writer) {
      this.note(
        `destroy: state ${CallState[summary.state]}, duration ${summary.durationSeconds} s, ` +
          `last error ${CallError[summary.lastError] ?? summary.lastError}`,
      )
      this.note(`stats ${statsJson(summary.stats)}`)
      this.note(`debug log ${summary.debugLog}`)
    }
    if (this.status) done.push(this.status.close(`${stamp()} ${summary.debugString}\n`))
    if (this.writer) done.push(this.writer.close())
    this.closing = Promise.all(done).then(() => this.resolveClosed())
    return this.closing
  }

  /** Resolves once close() has finished writing (never before). */
  closed(): Promise<void> {
    return this.closedPromise
  }

  private note(text: string): void {
    if (this.writer) this.writer.write(`${stamp()} ${text}`)
    else if (this.earlyLines && this.earlyLines.length < MAX_EARLY_LINES) this.earlyLines.push(`${stamp()} ${text}`)
  }

  private startTicker(): void {
    if (this.ticker || this.closing || !(this.status || (this.writer && this.logPacketStats))) return
    // The timer holds the log weakly: an abandoned controller must stay collectable.
    const log = new WeakRef(this)
    const ticker: NodeJS.Timeout = setInterval(() => {
      const alive = log.deref()
      if (alive) alive.tick()
      else clearInterval(ticker)
    }, TICK_MS).unref()
    this.ticker = ticker
  }

  private tick(): void {
    this.status?.write(`${stamp()} ${this.probe.debugString()}\n`)
    if (!this.logPacketStats || !this.writer) return
    const s = this.probe.stats()
    this.note(
      `packets sent ${s.packetsSent} recvd ${s.packetsReceived} lost ${s.audioFramesLost} dropped ${s.packetsDropped}, ` +
        `loss ${(s.lossRate * 100).toFixed(1)}%, bitrate ${s.bitrate} bps, rtt ${formatRtt(s.rttMs)}`,
    )
  }

  /** `explicit` wins ('' disables); otherwise `<logsDir>/<name>` when `derive` and logsDir is usable. */
  private resolvePath(explicit: string | undefined, name: string, derive: boolean): string | undefined {
    if (explicit !== undefined) return explicit || undefined
    if (!derive || !this.logsDir || !this.ensureLogsDir(this.logsDir)) return undefined
    return join(this.logsDir, name)
  }

  private ensureLogsDir(dir: string): boolean {
    if (this.logsDirReady === undefined) {
      try {
        // Once per call, at setConfig(): a single cheap syscall, like pytgvoip's makedirs.
        mkdirSync(dir, { recursive: true })
        this.logsDirReady = true
      } catch (error) {
        this.logsDirReady = false
        debugChannel('logs directory %s cannot be created, no call logs: %s', dir, (error as Error).message)
      }
    }
    return this.logsDirReady
  }
}
