import type { tl } from '@mtcute/core'

/** The individual updates inside an `Updates` container (none for the short message forms). */
export function updatesOf(res: tl.TypeUpdates): tl.TypeUpdate[] {
  switch (res._) {
    case 'updates':
    case 'updatesCombined':
      return res.updates
    case 'updateShort':
      return [res.update]
    default:
      return []
  }
}
