import type { EventEmitter } from 'node:events'

interface StatefulEmitter<State> extends EventEmitter {
  readonly state: State
}

/**
 * Resolves when `target` reaches `state` (at once if it is already there); rejects on
 * timeout or abort. Works with `AudioPlayer` and any emitter with `stateChange(old, new)`.
 */
export function entersState<State, Target extends StatefulEmitter<State>>(
  target: Target,
  state: State,
  timeoutOrSignal: number | AbortSignal,
): Promise<Target> {
  if (target.state === state) return Promise.resolve(target)
  const signal = typeof timeoutOrSignal === 'number' ? AbortSignal.timeout(timeoutOrSignal) : timeoutOrSignal
  return new Promise((resolve, reject) => {
    // A plain listener, not events.once in a loop: transitions emitted back to back in
    // one tick (idle → playing on skip) must not slip between re-subscriptions.
    const onStateChange = (_old: State, newState: State) => {
      if (newState !== state) return
      cleanup()
      resolve(target)
    }
    const onAbort = () => {
      cleanup()
      reject(signal.reason)
    }
    const cleanup = () => {
      target.off('stateChange', onStateChange)
      signal.removeEventListener('abort', onAbort)
    }
    if (signal.aborted) return reject(signal.reason)
    target.on('stateChange', onStateChange)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
