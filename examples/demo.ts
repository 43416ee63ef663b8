/**
 * The five-minute demo, no Telegram account needed: two fake accounts in one process make
 * a real call over loopback UDP through a local relay. Alice calls Bob playing a 440 Hz
 * tone (or the audio file you name), Bob answers and records to out.wav, and Bob's side
 * measures what arrived. Exits 0 only if the audio made it across.
 *
 *   pnpm demo                      # a 440 Hz tone
 *   pnpm demo music.mp3            # any file ffmpeg reads
 *   pnpm demo --loss 0.2           # through a relay that drops 20 % of packets
 *   pnpm demo --seconds 8 --out call.wav
 */
import { parseArgs } from 'node:util'

import { CallState } from '@tgvoip/calls'
import { FakeTelegram } from '@tgvoip/calls/testing'
import { callsPlugin } from '@tgvoip/calls'
import { FileSource, TeeSink, ToneAnalyzer, ToneSource, WavFileSink } from '@tgvoip/calls-audio'

import { showLiveStats } from './lib/live-stats.js'
import { log, sleep, traceStates, watchdog } from './lib/log.js'

const TONE_HZ = 440

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    loss: { type: 'string', default: '0' },
    seconds: { type: 'string', default: '4' },
    out: { type: 'string', default: 'out.wav' },
  },
})
const loss = Number(values.loss)
const seconds = Number(values.seconds)
if (!(loss >= 0 && loss < 1) || !(seconds > 0 && seconds <= 600)) {
  console.error('usage: pnpm demo [file] [--loss 0..0.9] [--seconds N] [--out out.wav]')
  process.exit(2)
}
const file = positionals[0]
watchdog(seconds + 15, 'demo')

const telegram = new FakeTelegram(loss > 0 ? { relayFaults: { lossRate: loss, seed: 42 } } : {})
const alice = await telegram.createClient({ firstName: 'Alice', username: 'alice' })
const bob = await telegram.createClient({ firstName: 'Bob', username: 'bob' })
alice.use(callsPlugin())
bob.use(callsPlugin())
const relay = telegram.localRelays[0]!
log('demo', `local relay on udp://${relay.host}:${relay.port}${loss > 0 ? `, dropping ${(loss * 100).toFixed(0)}% of packets` : ''}`)

// Bob's side: record to WAV and measure at the same time.
const analyzer = new ToneAnalyzer({ windowMs: 500 })
bob.calls.on('incomingCall', (call) => {
  log('bob', `incoming call from ${call.peer?.displayName ?? call.peerId}`)
  traceStates('bob', call)
  // Let it ring briefly, like a person would.
  setTimeout(() => {
    call.accept({ sink: new TeeSink(new WavFileSink(values.out), analyzer) }).catch((err: unknown) => log('bob', `accept failed: ${String(err)}`))
  }, 300)
})
alice.calls.on('outgoingCall', (call) => traceStates('alice', call))

const source = file ? new FileSource(file) : new ToneSource({ frequencies: TONE_HZ, amplitude: 0.5 })
log('alice', `calling @bob, playing ${file ?? `a ${TONE_HZ} Hz tone`}`)
const aliceCall = await alice.calls.call('bob', source)
const bobCall = bob.calls.activeCalls[0]!
await bobCall.entersState(CallState.Established, 5000)

console.log()
console.log(`  Alice sees: ${aliceCall.emojis.join(' ')}`)
console.log(`  Bob sees:   ${bobCall.emojis.join(' ')}`)
console.log()
const keysMatch = aliceCall.emojis.length === 4 && aliceCall.emojis.join() === bobCall.emojis.join()

const stopStats = showLiveStats('bob', bobCall)
await sleep(seconds * 1000)
stopStats()

const finalStats = bobCall.stats()
log('alice', 'hanging up')
await aliceCall.hangup()
log('bob', `call ended: ${await bobCall.ended}`) // resolves once out.wav is finalised
await telegram.destroy()

// The first half second is the jitter buffer filling up: judge the steady state.
const steady = analyzer.results.slice(1)
const heard = steady.filter((r) => r.dbfs > -40)
const frequencies = heard.flatMap((r) => (r.frequency === null ? [] : [r.frequency])).sort((a, b) => a - b)
const median = frequencies[Math.floor(frequencies.length / 2)] ?? Number.NaN
const level = steady.length ? Math.max(...steady.map((r) => r.dbfs)) : -Infinity
console.log()
console.log(`  Bob received: ${Number.isFinite(median) ? `${median.toFixed(1)} Hz` : 'nothing'} at ${level.toFixed(1)} dBFS (${heard.length}/${steady.length} windows with audio)`)
if (finalStats) console.log(`  Bob's link:   ${finalStats.packetsReceived} packets in, ${(finalStats.lossRate * 100).toFixed(1)}% lost, relay dropped ${relay.stats.dropped}`)
console.log(`  Recorded:     ${values.out}`)

const arrived = file ? heard.length >= steady.length / 2 : Math.abs(median - TONE_HZ) <= 2 && heard.length >= steady.length / 2
if (!keysMatch) {
  console.error('demo: the two sides derived different keys')
  process.exit(1)
}
if (!arrived || steady.length === 0) {
  console.error(file ? 'demo: no audio arrived at Bob' : `demo: Bob did not receive the ${TONE_HZ} Hz tone`)
  process.exit(1)
}
console.log(`\n  OK: ${file ? 'the file' : `the ${TONE_HZ} Hz tone`} went through the call, encrypted, over UDP.`)
process.exit(0)
