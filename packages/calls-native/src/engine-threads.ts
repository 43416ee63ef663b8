/**
 * How many engine threads the process spreads its calls over. Each call is placed, when
 * its VoIPController is created, on the thread carrying the fewest calls and stays there
 * for its whole life; a thread starts when a call needs it and ends when its last call is
 * destroyed. The default is the number of CPUs this process may use, at most 8.
 */
import { InvalidArgumentError } from './errors.js'
import { loadAddon } from './native/native-addon.js'

export interface EngineThreadsInfo {
  /** Threads new calls are spread over. */
  count: number
  /** Threads alive now (a thread that has no calls is not started, or ends shortly). */
  running: number
  /** Calls carried by each thread; at least `count` entries (more while calls remain on threads beyond a lowered count). */
  calls: number[]
}

export class EngineThreads {
  /** The largest count setEngineThreads() takes. */
  static get max(): number {
    return loadAddon().engineThreads().max
  }

  /**
   * Spreads calls created from now on over `count` threads (1..max); calls already
   * running stay on their thread.
   */
  static set(count: number): void {
    const max = EngineThreads.max
    if (!Number.isInteger(count) || count < 1 || count > max) {
      throw new InvalidArgumentError(`engine threads must be an integer within 1..${max}, got ${count}`)
    }
    loadAddon().setEngineThreads(count)
  }

  static get count(): number {
    return loadAddon().engineThreads().count
  }

  /**
   * How many times the engine threads have woken the JS thread since the process
   * started; each wake-up delivers every event queued by then. Events of one engine tick
   * share a wake-up, so with many calls this grows by at most about 200 a second per
   * engine thread, not by one per call and frame.
   */
  static get jsWakeups(): number {
    return loadAddon().engineThreads().jsWakeups
  }

  /** A snapshot of the threads and the calls on each. */
  static info(): EngineThreadsInfo {
    const { count, running, calls } = loadAddon().engineThreads()
    return { count, running, calls }
  }
}
