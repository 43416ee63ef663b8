import { z } from 'zod'

import type { CallNetworkSettings, CallProxy, DataSavingMode, NetworkType } from '../engine/call-engine.js'
import { CallOptionsError } from '../errors.js'

const NETWORK_TYPES = ['wifi', 'ethernet', 'lte', '3g', 'edge', 'gprs', 'dialup', 'other'] as const satisfies readonly NetworkType[]
const DATA_SAVING_MODES = ['never', 'mobile', 'always'] as const satisfies readonly DataSavingMode[]

const networkType = z.enum(NETWORK_TYPES)

/** Opus encodes 6 to 510 kbit/s. */
export const networkOptionsShape = {
  dataSaving: z.enum(DATA_SAVING_MODES).optional(),
  networkType: networkType.optional(),
  bitrate: z.number().int().min(6_000).max(510_000).optional(),
  proxy: z
    .strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65_535),
      username: z.string().max(255).optional(),
      password: z.string().max(255).optional(),
    })
    .optional(),
}

/** Network settings for `callsPlugin()` (every call) and `call()` / `accept()` (one call). */
export interface CallNetworkOptions {
  /** Data saving like the official apps' setting: `'always'` (or `'mobile'` on a mobile network) sends at 8 kbit/s. Default `'never'`. */
  dataSaving?: DataSavingMode
  /** The network the call runs on; `'gprs'` and `'edge'` lower the bitrate, as libtgvoip does. Default: unknown. */
  networkType?: NetworkType
  /**
   * The most a call may send, in bit/s (6 000 to 510 000). Without it the engine's limits
   * apply, including `VoIPServerConfig.setBitrateConfig()`.
   */
  bitrate?: number
  /**
   * A SOCKS5 proxy for the call's media (pytgvoip's `set_proxy`): UDP relays through UDP
   * ASSOCIATE, TCP relays through CONNECT, no P2P. Only the libtgvoip engine (2.4.4) can use
   * one; a manager-wide proxy makes the default engine offer 2.4.4 only.
   */
  proxy?: CallProxy
}

/** A call's own settings win over the manager's. */
export function resolveNetwork(manager: CallNetworkOptions, call: CallNetworkOptions): CallNetworkSettings {
  return {
    dataSaving: call.dataSaving ?? manager.dataSaving ?? 'never',
    networkType: call.networkType ?? manager.networkType,
    maxBitrate: call.bitrate ?? manager.bitrate,
    proxy: call.proxy ?? manager.proxy,
  }
}

/** Checks `call.setNetworkType()`'s argument. */
export function checkNetworkType(value: unknown): NetworkType {
  const parsed = networkType.safeParse(value)
  if (!parsed.success) throw new CallOptionsError(`networkType must be one of ${NETWORK_TYPES.join(', ')}, got ${String(value)}`)
  return parsed.data
}
