import { createSocket } from 'node:dgram'
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CallState } from '../../src/index.js'
import { audibleShare, concat, dominantFrequency } from '../helpers/audio.js'
import { connectEstablished, sleep, waitForState } from './helpers/call-pair.js'
import { useRelay } from './helpers/relay-fixture.js'

describe('hostile datagrams', () => {
  const fixture = useRelay()

  it('drops garbage, truncated and tampered datagrams without effect on the call', async () => {
    const relay = await fixture.relay()
    const pair = fixture.pair(relay, { callerTone: 440, calleeTone: 880 })
    // Capture real datagrams from the caller so truncated/tampered copies look plausible.
    const captured: Buffer[] = []
    relay.onDatagram = (datagram) => {
      // Bit 0 of tag byte 15 is 0 on the caller's side (LocalRelay.createTagPair): under load
      // the callee may be the first to send, and its tag would aim the copies at the caller.
      if (captured.length < 40 && (datagram[15]! & 1) === 0) captured.push(Buffer.from(datagram))
    }
    await connectEstablished(pair)
    await sleep(500)
    const calleeTag = Buffer.from(captured[0]!.subarray(0, 16))
    calleeTag[15] = calleeTag[15]! ^ 1 // what the relay rewrites caller datagrams to
    const droppedBefore = pair.callee.controller.getStats().packetsDropped
    const hostile: Buffer[] = []
    for (const real of captured.slice(-20)) {
      const forwarded = Buffer.from(real)
      forwarded.set(calleeTag, 0)
      for (const cut of [16, 20, 31, 32, 39, 40, 47, forwarded.length - 1]) hostile.push(forwarded.subarray(0, cut))
      const flipped = Buffer.from(forwarded)
      flipped[40] = flipped[40]! ^ 0x55
      hostile.push(flipped)
      hostile.push(Buffer.concat([forwarded, Buffer.from([0])]))
    }
    for (let i = 0; i < 200; i++) {
      const junk = randomBytes(1 + (i % 300))
      hostile.push(Buffer.concat([calleeTag, junk]))
    }
    // Relay control lookalikes with unknown codes and short bodies.
    hostile.push(Buffer.concat([calleeTag, Buffer.alloc(12, 0xff), Buffer.from([1, 2, 3, 4])]))
    hostile.push(Buffer.concat([calleeTag, Buffer.alloc(12, 0xff), Buffer.from('c77215c0', 'hex')]))
    hostile.push(Buffer.concat([calleeTag, Buffer.alloc(12, 0xff), Buffer.from('1c37d927', 'hex'), Buffer.alloc(3)]))
    // In bursts small enough for the kernel's socket buffer: a datagram the kernel drops
    // would never reach the engine and prove nothing.
    for (let i = 0; i < hostile.length; i++) {
      expect(relay.inject(calleeTag, hostile[i]!)).toBe(true)
      if (i % 25 === 24) await sleep(5)
    }
    // Also straight at the socket from an unknown source, and replays of real datagrams.
    const port = pair.callee.controller.getStats().localPort
    const stranger = createSocket('udp4')
    for (const datagram of hostile.slice(0, 25)) stranger.send(datagram, port, '127.0.0.1')
    for (const real of captured.slice(-10)) {
      const replay = Buffer.from(real)
      replay.set(calleeTag, 0)
      relay.inject(calleeTag, replay)
    }
    await sleep(1500)
    stranger.close()
    const stats = pair.callee.controller.getStats()
    expect(pair.callee.controller.state).toBe(CallState.ESTABLISHED)
    expect(stats.packetsDropped - droppedBefore).toBeGreaterThanOrEqual(hostile.length - 20)
    expect(audibleShare(pair.callee.received)).toBeGreaterThanOrEqual(0.95)
    expect(Math.abs(dominantFrequency(concat(pair.callee.received.slice(-50))) - 440)).toBeLessThanOrEqual(2)
  })

  it('treats garbage during the handshake as nothing: fails only at initTimeout', async () => {
    const relay = await fixture.relay()
    const pair = fixture.pair(relay, { initTimeout: 1.2 })
    let callerTag: Buffer | undefined
    relay.onDatagram = (datagram) => {
      callerTag ??= Buffer.from(datagram.subarray(0, 16))
    }
    const started = Date.now()
    pair.caller.controller.connect()
    await sleep(200)
    expect(callerTag).toBeDefined()
    for (let i = 0; i < 100; i++) expect(relay.inject(callerTag!, Buffer.concat([callerTag!, randomBytes(48 + i)]))).toBe(true)
    await waitForState(pair.caller.controller, CallState.FAILED, 3000)
    expect((Date.now() - started) / 1000).toBeGreaterThanOrEqual(1.1)
    expect(pair.caller.controller.getStats().packetsDropped).toBeGreaterThanOrEqual(100)
  })
})
