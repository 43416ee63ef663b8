import type { tl } from '@mtcute/core'
import type { Logger } from '@mtcute/core/utils.js'

/**
 * `phoneCall.custom_parameters`: server switches for the engine (tgcalls v2 spec §1.4), a
 * JSON object. Absent means none; anything that is not a JSON object is logged and treated
 * as none, since the server, not the peer, sends it.
 */
export function parseCustomParameters(data: tl.TypeDataJSON | undefined, log: Logger): Record<string, unknown> {
  if (!data) return {}
  try {
    const parsed: unknown = JSON.parse(data.data)
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>
  } catch {
    // reported below
  }
  log.warn('ignoring custom_parameters that are not a JSON object: %s', data.data.slice(0, 200))
  return {}
}
