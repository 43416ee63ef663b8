/** Timestamped console lines shared by the examples: `[+1.234s] who  text`. */
const started = performance.now()

export function elapsed(): string {
  return `+${((performance.now() - started) / 1000).toFixed(3)}s`
}

export function log(who: string, text: string): void {
  console.log(`[${elapsed().padStart(8)}] ${who.padEnd(6)} ${text}`)
}

/** Prints every state change of a call (or anything with `stateChange(old, new)`). */
export function traceStates(who: string, call: { state: string; on(event: 'stateChange', listener: (from: never, to: never) => void): unknown }): void {
  log(who, `state ${call.state}`)
  call.on('stateChange', (from: string, to: string) => log(who, `state ${from} -> ${to}`))
}

/** Exits with a message instead of hanging forever when something never happens. */
export function watchdog(seconds: number, what: string): NodeJS.Timeout {
  const timer = setTimeout(() => {
    console.error(`${what}: gave up after ${seconds} s`)
    process.exit(1)
  }, seconds * 1000)
  timer.unref()
  return timer
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
