import { CallStateTimeoutError, AbortError } from '../errors.js'

/** Anything with a string-enum `state` and a `stateChange(old, new)` event. */
export interface StateMachine<S extends string> {
  readonly state: S
  on(event: 'stateChange', listener: (oldState: S, newState: S) => void): unknown
  off(event: 'stateChange', listener: (oldState: S, newState: S) => void): unknown
}

/**
 * Resolves with `target` once it is in `status` (at once if it already is). Rejects with
 * `CallStateTimeoutError` after `timeoutOrSignal` ms, with `AbortError` if the signal fires,
 * or with `CallStateTimeoutError` when it enters one of `giveUpStates` first (a finished call
 * never reaches `established`).
 */
export function entersState<S extends string, T extends StateMachine<S>>(
  target: T,
  status: S,
  timeoutOrSignal: number | AbortSignal,
  giveUpStates: ReadonlySet<S> = new Set(),
): Promise<T> {
  if (target.state === status) return Promise.resolve(target)
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined
    const signal = typeof timeoutOrSignal === 'number' ? undefined : timeoutOrSignal
    const cleanup = (): void => {
      target.off('stateChange', onChange)
      if (timer) clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
    const onChange = (_old: S, next: S): void => {
      if (next === status) {
        cleanup()
        resolve(target)
      } else if (giveUpStates.has(next)) {
        cleanup()
        reject(new CallStateTimeoutError(`Entered '${next}' instead of '${status}'`))
      }
    }
    const onAbort = (): void => {
      cleanup()
      reject(new AbortError(`Stopped waiting for '${status}'`, { cause: signal?.reason }))
    }
    if (giveUpStates.has(target.state)) {
      reject(new CallStateTimeoutError(`Already in '${target.state}', cannot enter '${status}'`))
      return
    }
    if (signal?.aborted) {
      onAbort()
      return
    }
    target.on('stateChange', onChange)
    if (signal) signal.addEventListener('abort', onAbort, { once: true })
    else timer = setTimeout(() => {
      cleanup()
      reject(new CallStateTimeoutError(`Did not enter '${status}' within ${timeoutOrSignal} ms`))
    }, timeoutOrSignal as number)
  })
}
