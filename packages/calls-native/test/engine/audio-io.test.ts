import { describe, expect, it } from 'vitest'
import { CallState } from '../../src/index.js'
import { audibleShare, concat, dominantFrequency, rms, SineGenerator } from '../helpers/audio.js'
import { connectBoth, connectEstablished, sleep, waitForState } from './helpers/call-pair.js'
import { useRelay } from './helpers/relay-fixture.js'

describe('audio I/O', () => {
  const fixture = useRelay()

  it('writeAudio() with backpressure in, receivedFrames() out', async () => {
    const relay = await fixture.relay()
    const pair = fixture.pair(relay, { record: false })
    await connectEstablished(pair)
    const tone = new SineGenerator(660)
    const started = Date.now()
    // 3 s of audio written as fast as the engine takes it: backpressure must pace it.
    const writing = (async () => {
      for (let i = 0; i < 150; i++) await pair.caller.controller.writeAudio(tone.next(960))
    })()
    const received: Int16Array[] = []
    for await (const frame of pair.callee.controller.receivedFrames()) {
      expect(frame.length).toBe(960)
      received.push(frame)
      if (received.length >= 100) break
    }
    await writing
    // The ring holds 1 s, so 3 s of audio cannot be accepted in much under 2 s.
    expect(Date.now() - started).toBeGreaterThan(1800)
    const audible = received.filter((frame) => rms(frame) > 300)
    expect(audible.length).toBeGreaterThan(40)
    expect(Math.abs(dominantFrequency(concat(audible.slice(-25))) - 660)).toBeLessThanOrEqual(2)
  })

  it('a Readable of s16le bytes carries the same audio', async () => {
    const relay = await fixture.relay()
    const pair = fixture.pair(relay, { callerTone: 523, record: false })
    connectBoth(pair)
    const chunks: Buffer[] = []
    const readable = pair.callee.controller.createAudioReadable()
    readable.on('data', (chunk: Buffer) => chunks.push(chunk))
    await waitForState(pair.callee.controller, CallState.ESTABLISHED, 3000)
    await sleep(1500)
    const bytes = Buffer.concat(chunks)
    const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2))
    expect(Math.abs(dominantFrequency(pcm.subarray(pcm.length - 48000)) - 523)).toBeLessThanOrEqual(2)
  })

  it('a Readable nobody reads stays bounded (live audio is dropped, not hoarded)', async () => {
    const relay = await fixture.relay()
    const pair = fixture.pair(relay, { callerTone: 440, record: false })
    const readable = pair.callee.controller.createAudioReadable(1920 * 10)
    await connectEstablished(pair)
    await sleep(1500)
    expect(readable.readableLength).toBeLessThanOrEqual(1920 * 11)
    // Once read again, fresh audio flows.
    const chunks: Buffer[] = []
    readable.on('data', (chunk: Buffer) => chunks.push(chunk))
    await sleep(400)
    expect(chunks.length).toBeGreaterThan(15)
  })

  it('liveInput drops input that has fallen a whole packet behind a real-time producer', async () => {
    const relay = await fixture.relay()
    const live = fixture.pair(relay, { liveInput: true })
    await connectEstablished(live)
    const tone = new SineGenerator(440)
    // A hiccup left 540 ms queued; after that the source writes one 20 ms frame per 20 ms.
    live.caller.controller.tryWriteAudio(tone.next(960 * 27))
    const started = Date.now()
    let written = 0
    const timer = setInterval(() => {
      while (written < Math.floor((Date.now() - started) / 20)) {
        live.caller.controller.tryWriteAudio(tone.next(960))
        written++
      }
    }, 5)
    await sleep(3000)
    // The queue saw-tooths as blocks fill and go: sample it over the last half second.
    const queued: number[] = []
    for (let i = 0; i < 10; i++) {
      queued.push(live.caller.controller.getStats().sendQueueMs)
      await sleep(50)
    }
    clearInterval(timer)
    const stats = live.caller.controller.getStats()
    // The whole backlog goes at once (8 of its 9 blocks, the ninth went out on the clock).
    expect(stats.staleBlocksDropped).toBeGreaterThanOrEqual(8)
    expect(Math.max(...queued)).toBeLessThan(180) // the 540 ms backlog is gone
    expect(Math.min(...queued)).toBeLessThan(60)
    expect(audibleShare(live.callee.received.slice(-50))).toBeGreaterThan(0.9)
  })

  it('a real-time producer running a little late does not push its audio back by a block', async () => {
    const relay = await fixture.relay()
    const live = fixture.pair(relay, { liveInput: true })
    await connectEstablished(live)
    const tone = new SineGenerator(440)
    // One 20 ms frame per 20 ms, except that the frame completing every fifth 60 ms block
    // (frame 3k + 2 from the first) is written 15 ms late: a timer or GC hiccup.
    const lateFrames = new Set(Array.from({ length: 12 }, (_, i) => 3 * (25 + 5 * i) + 2))
    const started = Date.now()
    const runMs = 1500 + 12 * 300 + 200
    let written = 0
    let before = live.caller.controller.getStats()
    // The send queue over the last second, sampled every 5 ms.
    const queueMs: number[] = []
    const timer = setInterval(() => {
      const elapsed = Date.now() - started
      while (written < Math.floor(elapsed / 20)) {
        if (lateFrames.has(written) && elapsed < written * 20 + 20 + 15) break
        if (written === 3 * 25) before = live.caller.controller.getStats()
        live.caller.controller.tryWriteAudio(tone.next(960))
        written++
      }
      if (elapsed > runMs - 1000) queueMs.push(live.caller.controller.getStats().sendQueueMs)
    }, 5)
    await sleep(runMs)
    clearInterval(timer)
    const after = live.caller.controller.getStats()
    // Each late block went out late, not as silence followed by all later audio a block behind.
    expect(after.sendUnderruns - before.sendUnderruns).toBe(0)
    expect(after.staleBlocksDropped - before.staleBlocksDropped).toBe(0)
    // A whole block waits in the queue only from the moment it is complete until its send
    // slot; audio a block behind would keep one there all the time. (One sample can land
    // in that wait, so the queue is judged over the last second.)
    expect(queueMs.length).toBeGreaterThan(100)
    expect(Math.min(...queueMs)).toBeLessThan(60)
    expect(audibleShare(live.callee.received.slice(-150))).toBeGreaterThan(0.95)
  })

  it('mute sends STREAM_FLAGS: the peer hears silence, and NOPs keep the call alive', async () => {
    const relay = await fixture.relay()
    const pair = fixture.pair(relay, { callerTone: 440, calleeTone: 880 })
    await connectEstablished(pair)
    await sleep(800)
    pair.caller.controller.setMicMute(true)
    await sleep(300)
    const mark = pair.callee.received.length
    await sleep(2800) // longer than the 2 s RECONNECTING threshold
    const whileMuted = pair.callee.received.slice(mark)
    expect(whileMuted.length).toBeGreaterThan(100)
    expect(whileMuted.every((frame) => rms(frame) < 50)).toBe(true)
    expect(pair.callee.controller.state).toBe(CallState.ESTABLISHED)
    pair.caller.controller.setMicMute(false)
    await sleep(1000)
    const after = pair.callee.received.slice(-25)
    expect(audibleShare(after)).toBeGreaterThan(0.8)
    expect(Math.abs(dominantFrequency(concat(after)) - 440)).toBeLessThanOrEqual(2)
  })

  it('muted, the engine consumes what is written at the sending pace and drops it: nothing stale is queued for the unmute', async () => {
    const relay = await fixture.relay()
    const pair = fixture.pair(relay, { record: false })
    await connectEstablished(pair)
    const controller = pair.caller.controller
    controller.setMicMute(true)
    // A whole second at once fills the ring; muted, it must drain in real time anyway.
    const tone = new SineGenerator(500)
    expect(controller.tryWriteAudio(tone.next(48_000))).toBe(48_000)
    expect(controller.getStats().sendQueueMs).toBeGreaterThan(900)
    await sleep(1300)
    expect(controller.getStats().sendQueueMs).toBeLessThan(60)
    // A producer paced by backpressure keeps going while muted: 2 s of audio is more than
    // the ring holds, so it is taken at the sending pace (it used to stall for good).
    const started = Date.now()
    for (let i = 0; i < 100; i++) await controller.writeAudio(tone.next(960))
    expect(Date.now() - started).toBeGreaterThan(800)
    expect(Date.now() - started).toBeLessThan(2500)
    expect(controller.getStats().audioFramesSent).toBeLessThan(5)
  })

  it('the jitter buffer starts at 2 packets and adapts down to 1 on a clean link', async () => {
    const relay = await fixture.relay()
    const pair = fixture.pair(relay, { callerTone: 440, calleeTone: 880 })
    await connectEstablished(pair)
    await sleep(250)
    expect(pair.callee.controller.getStats().jitterBufferPackets).toBe(2)
    // Shrinking waits out 2 s without late packets, then steps 20 ms every 0.25 s.
    let stats = pair.callee.controller.getStats()
    for (let waited = 0; waited < 6000 && stats.jitterBufferPackets !== 1; waited += 100) {
      await sleep(100)
      stats = pair.callee.controller.getStats()
    }
    expect(stats.jitterBufferPackets).toBe(1)
    // One packet is 60 ms at most. The delay moves in 20 ms steps from 120 ms, so the loop
    // usually stops at 60 ms itself, where float rounding lands a hair either side.
    expect(stats.jitterBufferDelayMs).toBeLessThan(60 + 1e-6)
  })
})
