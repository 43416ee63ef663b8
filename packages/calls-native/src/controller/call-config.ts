/** Per-call configuration (`setConfig`), mirroring pytgvoip's arguments, camelCased. */
import { DataSaving } from '../enums.js'
import { InvalidArgumentError } from '../errors.js'

export interface VoIPConfig {
  /** Seconds without a valid packet before an established call fails (`call_packet_timeout_ms / 1000`). */
  recvTimeout: number
  /** Seconds to wait for the handshake (`call_connect_timeout_ms / 1000`). */
  initTimeout: number
  dataSavingMode: DataSaving
  /** Telegram's call id (logs). */
  callId: bigint | number
  /** Accepted for API compatibility; this engine has no echo canceller. */
  enableAec?: boolean
  /** Accepted for API compatibility; this engine has no noise suppressor. */
  enableNs?: boolean
  /** Accepted for API compatibility; this engine has no gain control. */
  enableAgc?: boolean
  /**
   * The call log. Default: `<logsDir>/<callId>.log` when the controller has a logsDir,
   * else none; '' turns it off.
   */
  logFilePath?: string
  /**
   * A file rewritten every second with getDebugString(). Default:
   * `<logsDir>/<callId>.status` when the controller has `debug` and a logsDir; '' turns it off.
   */
  statusDumpPath?: string
  /** Add a line of packet counters to the call log every second. Default: the controller's `debug`. */
  logPacketStats?: boolean
}

/** The logging part of a VoIPConfig, validated. */
export type LogFileConfig = Pick<VoIPConfig, 'logFilePath' | 'statusDumpPath' | 'logPacketStats'>

export interface NativeCallConfig {
  initTimeout: number
  recvTimeout: number
  dataSaving: number
  callId: bigint
}

export function optionalBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${name} must be a boolean, got ${typeof value}`)
  return value
}

/** A path option: a string, or null/undefined for "not given". */
export function optionalPath(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new InvalidArgumentError(`${name} must be a string path, got ${typeof value}`)
  if (value.includes('\0')) throw new InvalidArgumentError(`${name} must not contain NUL bytes`)
  return value
}

function positiveSeconds(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(`${name} must be a positive number of seconds, got ${String(value)}`)
  }
  return value
}

export function validateConfig(config: VoIPConfig): NativeCallConfig {
  if (typeof config !== 'object' || config === null) throw new InvalidArgumentError('setConfig() needs an object')
  const dataSaving = config.dataSavingMode ?? DataSaving.NEVER
  if (!Object.values(DataSaving).includes(dataSaving)) {
    throw new InvalidArgumentError(`dataSavingMode must be a DataSaving value, got ${String(dataSaving)}`)
  }
  const callId = typeof config.callId === 'number' ? BigInt(config.callId) : config.callId
  if (typeof callId !== 'bigint') throw new InvalidArgumentError('callId must be a bigint or an integer')
  return {
    initTimeout: positiveSeconds(config.initTimeout, 'initTimeout'),
    recvTimeout: positiveSeconds(config.recvTimeout, 'recvTimeout'),
    dataSaving,
    callId: BigInt.asIntN(64, callId),
  }
}

export function validateLogFileConfig(config: VoIPConfig): LogFileConfig {
  return {
    logFilePath: optionalPath(config.logFilePath, 'logFilePath'),
    statusDumpPath: optionalPath(config.statusDumpPath, 'statusDumpPath'),
    logPacketStats: optionalBoolean(config.logPacketStats, 'logPacketStats'),
  }
}
