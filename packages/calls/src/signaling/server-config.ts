import type { ITelegramClient } from '@mtcute/core'
import type { Logger } from '@mtcute/core/utils.js'

/** Call timeouts from `help.getConfig`, in milliseconds. */
export interface CallTimeouts {
  /** Outgoing: how long to wait for the callee's device to confirm receipt (and for key messages). */
  receiveTimeoutMs: number
  /** Outgoing: how long to ring once the callee's device has the call; incoming: how long to ring. */
  ringTimeoutMs: number
  /** How long the media engine may take to connect. */
  connectTimeoutMs: number
  /** How long the link may stay silent. */
  packetTimeoutMs: number
}

/** Telegram's documented defaults, used when `help.getConfig` fails or lacks a field. */
export const DEFAULT_CALL_TIMEOUTS: CallTimeouts = {
  receiveTimeoutMs: 20_000,
  ringTimeoutMs: 90_000,
  connectTimeoutMs: 30_000,
  packetTimeoutMs: 10_000,
}

function positiveOr(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback
}

/**
 * Fetches `help.getConfig` and `phone.getCallConfig` once per manager and remembers them.
 * Failures fall back to defaults (a call should not fail because config is unavailable),
 * and are retried on the next call.
 */
export class ServerConfig {
  private timeouts: Promise<CallTimeouts> | null = null
  private callConfig: Promise<Record<string, unknown>> | null = null

  constructor(
    private readonly client: ITelegramClient,
    private readonly log: Logger,
    private readonly overrides: Partial<CallTimeouts>,
  ) {}

  getTimeouts(): Promise<CallTimeouts> {
    this.timeouts ??= this.client.call({ _: 'help.getConfig' }).then(
      (config) => ({
        receiveTimeoutMs: positiveOr(this.overrides.receiveTimeoutMs ?? config.callReceiveTimeoutMs, DEFAULT_CALL_TIMEOUTS.receiveTimeoutMs),
        ringTimeoutMs: positiveOr(this.overrides.ringTimeoutMs ?? config.callRingTimeoutMs, DEFAULT_CALL_TIMEOUTS.ringTimeoutMs),
        connectTimeoutMs: positiveOr(this.overrides.connectTimeoutMs ?? config.callConnectTimeoutMs, DEFAULT_CALL_TIMEOUTS.connectTimeoutMs),
        packetTimeoutMs: positiveOr(this.overrides.packetTimeoutMs ?? config.callPacketTimeoutMs, DEFAULT_CALL_TIMEOUTS.packetTimeoutMs),
      }),
      (err: unknown) => {
        this.log.warn('help.getConfig failed, using default call timeouts: %s', err)
        this.timeouts = null
        return { ...DEFAULT_CALL_TIMEOUTS, ...this.overrides }
      },
    )
    return this.timeouts
  }

  /** `phone.getCallConfig`, parsed; `{}` when missing or malformed. */
  getCallConfig(): Promise<Record<string, unknown>> {
    this.callConfig ??= this.client.call({ _: 'phone.getCallConfig' }).then(
      (json) => {
        try {
          const parsed: unknown = JSON.parse(json.data)
          if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>
        } catch {}
        this.log.warn('phone.getCallConfig returned malformed JSON, using an empty server config')
        return {}
      },
      (err: unknown) => {
        this.log.warn('phone.getCallConfig failed, using an empty server config: %s', err)
        this.callConfig = null
        return {}
      },
    )
    return this.callConfig
  }
}
