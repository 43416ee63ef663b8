/**
 * Routes the engine's events to controllers. The addon has one dispatcher for the whole
 * process; each native call carries a numeric handle. Controllers are held weakly, so an
 * abandoned controller can still be garbage-collected (its native half then shuts down).
 */
import { loadAddon, type NativeAddon } from '../native/native-addon.js'

export interface EngineEventTarget {
  onEngineEvent(kind: number, a: number, b: number): void
}

const targets = new Map<number, WeakRef<EngineEventTarget>>()
let nextHandle = 1
let addon: NativeAddon | undefined

// Releases the keep-alive of controllers that were collected without destroy().
const keepAliveLeaks = new FinalizationRegistry<number>((handle) => {
  targets.delete(handle)
  if (heldAlive.delete(handle)) addon?.engineUnref()
})
const heldAlive = new Set<number>()

function dispatch(handle: number, kind: number, a: number, b: number): void {
  const target = targets.get(handle)?.deref()
  if (target) target.onEngineEvent(kind, a, b)
}

export function registerTarget(target: EngineEventTarget): { addon: NativeAddon; handle: number } {
  if (!addon) {
    addon = loadAddon()
    addon.setEventDispatcher(dispatch)
  }
  const handle = nextHandle++
  targets.set(handle, new WeakRef(target))
  keepAliveLeaks.register(target, handle, target)
  return { addon, handle }
}

export function unregisterTarget(handle: number, target: EngineEventTarget): void {
  targets.delete(handle)
  keepAliveLeaks.unregister(target)
  setKeepAlive(handle, false)
}

/** While a call is live the engine's events keep the Node process running. */
export function setKeepAlive(handle: number, keep: boolean): void {
  if (!addon) return
  if (keep && !heldAlive.has(handle)) {
    heldAlive.add(handle)
    addon.engineRef()
  } else if (!keep && heldAlive.delete(handle)) {
    addon.engineUnref()
  }
}
