import { WebRtcCallEngine } from '@tgvoip/calls-webrtc'
import { z } from 'zod'

import type { CallEngine } from '../engine/call-engine.js'
import { CallEngineSet } from '../engine/call-engine-set.js'
import { NativeCallEngine } from '../engine/native-engine.js'
import { networkOptionsShape, type CallNetworkOptions } from '../call/network-options.js'
import { CallOptionsError } from '../errors.js'
import type { CallTimeouts } from '../signaling/server-config.js'

function isCallEngine(value: unknown): value is CallEngine {
  if (value === null || typeof value !== 'object') return false
  const engine = value as Partial<CallEngine>
  return (
    typeof engine.createSession === 'function' &&
    typeof engine.load === 'function' &&
    typeof engine.minLayer === 'number' &&
    typeof engine.maxLayer === 'number' &&
    Array.isArray(engine.libraryVersions)
  )
}

const timeoutMs = z.number().int().positive().max(24 * 3_600_000)

const optionsSchema = z.strictObject({
  engine: z
    .custom<CallEngine | CallEngine[]>(
      (value) => isCallEngine(value) || (Array.isArray(value) && value.length > 0 && value.every(isCallEngine)),
      'engine must implement CallEngine (load, createSession, minLayer, maxLayer, libraryVersions), be a non-empty list of them, or be null',
    )
    .nullable()
    .optional(),
  maxConcurrentCalls: z.number().int().positive().optional(),
  timeouts: z
    .strictObject({
      receiveTimeoutMs: timeoutMs,
      ringTimeoutMs: timeoutMs,
      connectTimeoutMs: timeoutMs,
      packetTimeoutMs: timeoutMs,
    })
    .partial()
    .optional(),
  ...networkOptionsShape,
})

/** `dataSaving`, `networkType` and `bitrate` apply to every call; `call()`/`accept()` can override them. */
export interface CallManagerOptions extends CallNetworkOptions {
  /**
   * The media engine. Default: `WebRtcCallEngine` (`@tgvoip/calls-webrtc`, tgcalls v2:
   * 13.0.0, 12.0.0, 8.0.0, what today's official apps speak) then `NativeCallEngine`
   * (`@tgvoip/calls-native`, libtgvoip's 2.4.4, still spoken by Android), offered as
   * `["13.0.0", "12.0.0", "8.0.0", "2.4.4"]`. A list of engines offers all their library
   * versions, the first engine's first, and each call uses the engine that owns the version
   * the server chose (`call.libraryVersion`).
   * `null` makes calls signaling-only: they become `established` as soon as both
   * sides agreed on the key, carry no audio, and `source`/`sink` are rejected.
   */
  engine?: CallEngine | readonly CallEngine[] | null
  /**
   * Incoming calls beyond this many unfinished calls are declined as busy automatically
   * (no `incomingCall` event). Unlimited when omitted.
   */
  maxConcurrentCalls?: number
  /** Overrides for the timeouts Telegram sends in `help.getConfig`. */
  timeouts?: Partial<CallTimeouts>
}

export interface ResolvedCallManagerOptions {
  engine: CallEngine | undefined
  maxConcurrentCalls: number
  timeouts: Partial<CallTimeouts>
  network: CallNetworkOptions
}

/** Validates user options with zod; any problem becomes a `CallOptionsError` listing them. */
export function resolveCallManagerOptions(options: unknown): ResolvedCallManagerOptions {
  const parsed = optionsSchema.safeParse(options ?? {})
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`)
    throw new CallOptionsError(`Invalid call manager options: ${issues.join('; ')}`)
  }
  return {
    engine: resolveEngine(parsed.data.engine, parsed.data.proxy !== undefined),
    maxConcurrentCalls: parsed.data.maxConcurrentCalls ?? Number.POSITIVE_INFINITY,
    timeouts: parsed.data.timeouts ?? {},
    network: {
      dataSaving: parsed.data.dataSaving,
      networkType: parsed.data.networkType,
      bitrate: parsed.data.bitrate,
      proxy: parsed.data.proxy,
    },
  }
}

function resolveEngine(engine: CallEngine | CallEngine[] | null | undefined, proxied: boolean): CallEngine | undefined {
  if (engine === null) return undefined
  if (engine === undefined) return proxied ? defaultEngines().native : defaultEngines().all
  return Array.isArray(engine) ? new CallEngineSet(engine) : engine
}

let sharedEngines: { all: CallEngineSet; native: NativeCallEngine } | undefined

/**
 * One engine set for every manager that did not choose one (the engines hold no per-call
 * state). Behind a proxy only the libtgvoip engine is offered: the tgcalls v2 engine has no
 * SOCKS5 client, and a call must never leave the proxy.
 */
function defaultEngines(): { all: CallEngineSet; native: NativeCallEngine } {
  if (!sharedEngines) {
    const native = new NativeCallEngine()
    sharedEngines = { all: new CallEngineSet([new WebRtcCallEngine(), native]), native }
  }
  return sharedEngines
}
