import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CallState, EngineThreads, InvalidArgumentError } from '../../src/index.js'
import { audibleShare, concat, dominantFrequency } from '../helpers/audio.js'
import { connectBoth, sleep, waitForBoth, type CallPair } from './helpers/call-pair.js'
import { expectFdsBackTo, openFds } from './helpers/fds.js'
import { useRelay } from './helpers/relay-fixture.js'

/** Engine threads alive in this process, by the name the engine gives them. */
function engineThreadsAlive(): number {
  let count = 0
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === 'tgvoip-engine') count++
    } catch {
      // the thread ended while we listed
    }
  }
  return count
}

/** Threads start, name themselves and end on their own time: poll (at most 2 s). */
async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await sleep(20)
}

const noEngineThreads = (): boolean => EngineThreads.info().running === 0 && engineThreadsAlive() === 0

async function expectThreadsGone(): Promise<void> {
  await waitUntil(noEngineThreads)
  expect(EngineThreads.info().running).toBe(0)
  expect(engineThreadsAlive()).toBe(0)
}

/** Runs one of the helpers in its own Node process; resolves with how it ended and its stdout. */
async function runChild(helper: string): Promise<{ code: number | null; signal: string | null; output: string }> {
  const child = spawn(process.execPath, ['--conditions=@tgvoip/source', '--import', 'tsx', fileURLToPath(new URL(`./helpers/${helper}`, import.meta.url))], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])))
  return { code, signal, output }
}

describe('engine threads', () => {
  const fixture = useRelay()
  const defaultCount = Math.min(availableParallelism(), 8)
  afterEach(() => EngineThreads.set(defaultCount))
  // The previous test's calls were closed after it; their threads end asynchronously.
  beforeEach(() => waitUntil(noEngineThreads))

  it('defaults to the CPUs this process may use, at most 8, and starts none before a call', () => {
    expect(EngineThreads.count).toBe(defaultCount)
    expect(EngineThreads.info().running).toBe(0)
    expect(engineThreadsAlive()).toBe(0)
  })

  it('spreads calls over the threads, carries audio both ways on each, and ends the threads with the last call', async () => {
    const relay = await fixture.relay()
    await sleep(50)
    const baseline = openFds()
    EngineThreads.set(2)
    const tones = [300, 420, 540, 660].map((base) => ({ caller: base, callee: base + 900 }))
    const pairs: CallPair[] = tones.map((tone) => fixture.pair(relay, { callerTone: tone.caller, calleeTone: tone.callee, recvTimeout: 10 }))
    // Least loaded first: the ends alternate between the two threads.
    expect(EngineThreads.info()).toEqual({ count: 2, running: 2, calls: [4, 4] })
    await waitUntil(() => engineThreadsAlive() === 2)
    expect(engineThreadsAlive()).toBe(2)
    const ends = pairs.flatMap((pair) => [pair.caller, pair.callee])
    expect(ends.map((end) => end.controller.engineThread)).toEqual([0, 1, 0, 1, 0, 1, 0, 1])
    for (const pair of pairs) connectBoth(pair)
    await Promise.all(pairs.map((pair) => waitForBoth(pair, CallState.ESTABLISHED, 5000)))
    await sleep(2000)
    pairs.forEach((pair, i) => {
      for (const [end, tone] of [[pair.caller, tones[i]!.callee], [pair.callee, tones[i]!.caller]] as const) {
        expect(audibleShare(end.received.slice(-25))).toBeGreaterThanOrEqual(0.9)
        expect(Math.abs(dominantFrequency(concat(end.received.slice(-25)), 250, 2400) - tone)).toBeLessThanOrEqual(2)
      }
    })
    pairs[0]!.close()
    expect(EngineThreads.info().calls).toEqual([3, 3])
    for (const pair of pairs.slice(1)) pair.close()
    await expectThreadsGone()
    await expectFdsBackTo(baseline)
  }, 30_000)

  it('wakes the JS thread at most twice per engine tick for all its calls, not once per call and frame', async () => {
    const relay = await fixture.relay()
    EngineThreads.set(1)
    // 40 ends on one thread: 667 decoded packets a second, each an "audio ready" event.
    const pairs = Array.from({ length: 20 }, (_, i) =>
      fixture.pair(relay, { callerTone: 300 + 20 * i, calleeTone: 1200 + 20 * i, recvTimeout: 10 }),
    )
    for (const pair of pairs) connectBoth(pair)
    await Promise.all(pairs.map((pair) => waitForBoth(pair, CallState.ESTABLISHED, 5000)))
    await sleep(1000)
    const ends = pairs.flatMap((pair) => [pair.caller, pair.callee])
    const framesBefore = ends.map((end) => end.received.length)
    const wakeupsBefore = EngineThreads.jsWakeups
    const windowSeconds = 3
    await sleep(windowSeconds * 1000)
    const wakeupsPerSecond = (EngineThreads.jsWakeups - wakeupsBefore) / windowSeconds
    // Every end heard its 50 frames a second...
    ends.forEach((end, i) => expect(end.received.length - framesBefore[i]!).toBeGreaterThanOrEqual(windowSeconds * 50 * 0.9))
    // ...through at most one wake-up per pass of a 5 ms tick: decoded audio, then the rest.
    expect(wakeupsPerSecond).toBeLessThanOrEqual(2 * 200 * 1.05)
    for (const pair of pairs) pair.close()
    await expectThreadsGone()
  }, 30_000)

  it('a thread carrying more calls than its CPU can encode encodes cheaper, skips send slots instead of falling further behind, and ends as soon as its calls do', async () => {
    const relay = await fixture.relay()
    EngineThreads.set(1)
    // 200 ends with audio both ways on one thread: about 2.5 times what one CPU of the
    // development machine encodes and decodes in real time.
    const pairs = Array.from({ length: 100 }, (_, i) =>
      fixture.pair(relay, { callerTone: 300 + 5 * i, calleeTone: 1200 + 5 * i, recvTimeout: 10, initTimeout: 10, record: false }),
    )
    for (const pair of pairs) connectBoth(pair)
    await Promise.all(pairs.map((pair) => waitForBoth(pair, CallState.ESTABLISHED, 10_000)))
    await sleep(2000)
    const ends = pairs.flatMap((pair) => [pair.caller, pair.callee])
    const stats = ends.map((end) => end.controller.getStats())
    const skipped = stats.reduce((sum, s) => sum + s.sendSlotsSkipped, 0)
    const reduced = stats.reduce((sum, s) => sum + s.reducedComplexityFrames, 0)
    const sent = stats.reduce((sum, s) => sum + s.audioFramesSent, 0)
    const destroyedAt = Date.now()
    for (const pair of pairs) pair.close()
    await waitUntil(noEngineThreads)
    const endedAfterMs = Date.now() - destroyedAt
    expect(skipped).toBeGreaterThan(0)
    // Even at half the encoding cost the thread stays behind, so most frames went out cheap.
    expect(reduced / sent).toBeGreaterThan(0.5)
    // Every tick sends at most two packets per call, so the teardown posted to the thread
    // runs within a tick or two. Catching up on every missed slot made each tick longer
    // than the one before, and the thread kept encoding for seconds after destroy().
    expect(noEngineThreads()).toBe(true)
    expect(endedAfterMs).toBeLessThan(600)
  }, 40_000)

  it('a call created after the count was lowered goes to the first threads only', async () => {
    const relay = await fixture.relay()
    EngineThreads.set(3)
    const first = fixture.pair(relay)
    const second = fixture.pair(relay)
    expect(EngineThreads.info().calls).toEqual([2, 1, 1])
    EngineThreads.set(1)
    const third = fixture.pair(relay)
    expect([third.caller.controller.engineThread, third.callee.controller.engineThread]).toEqual([0, 0])
    expect(EngineThreads.info()).toEqual({ count: 1, running: 3, calls: [4, 1, 1] })
    for (const pair of [first, second, third]) pair.close()
    await expectThreadsGone()
  })

  it('a thread that lost its last call is replaced by a fresh one for the next call', async () => {
    const relay = await fixture.relay()
    EngineThreads.set(2)
    for (let round = 0; round < 20; round++) {
      const pair = fixture.pair(relay)
      connectBoth(pair)
      if (round % 2 === 0) await sleep(10)
      pair.close()
    }
    await expectThreadsGone()
    const pair = fixture.pair(relay, { callerTone: 440, calleeTone: 880 })
    connectBoth(pair)
    await waitForBoth(pair, CallState.ESTABLISHED, 5000)
    await sleep(1000)
    expect(Math.abs(dominantFrequency(concat(pair.caller.received.slice(-25)), 250, 2400) - 880)).toBeLessThanOrEqual(2)
    pair.close()
    await expectThreadsGone()
  })

  it('rejects counts that are not integers within 1..max', () => {
    for (const count of [0, -1, 1.5, Number.NaN, EngineThreads.max + 1]) {
      expect(() => EngineThreads.set(count)).toThrow(InvalidArgumentError)
    }
    expect(EngineThreads.count).toBe(defaultCount)
  })

  it('halts the threads of calls still running when the process exits', async () => {
    const startedAt = Date.now()
    const { code, signal, output } = await runChild('exit-with-calls.ts')
    expect({ code, signal }).toEqual({ code: 0, signal: null })
    expect(JSON.parse(output)).toEqual({ count: 2, running: 2, calls: [2, 2] })
    expect(Date.now() - startedAt).toBeLessThan(15_000)
  }, 20_000)

  it('a listener that throws raises uncaughtException and the events of the calls keep coming', async () => {
    const { code, signal, output } = await runChild('throwing-listener.ts')
    expect({ code, signal }).toEqual({ code: 0, signal: null })
    const result = JSON.parse(output) as { caught: string[]; callerFrames: number; calleeFrames: number }
    expect(result.caught).toContain('listener threw on ESTABLISHED')
    // About 50 frames a second once established: audio events were not lost to the throw.
    expect(result.callerFrames).toBeGreaterThan(30)
    expect(result.calleeFrames).toBeGreaterThan(30)
  }, 20_000)
})
