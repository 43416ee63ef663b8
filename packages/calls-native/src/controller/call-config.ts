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
  logFilePath?: string
  statusDumpPath?: string
  logPacketStats?: boolean
}

export interface NativeCallConfig {
  initTimeout: number
  recvTimeout: number
  dataSaving: number
  callId: bigint
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
