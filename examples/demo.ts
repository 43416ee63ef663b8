/**
 * The five-minute demo, no Telegram account needed: two fake accounts in one process make
 * a real call over loopback UDP. By default it is a tgcalls v2 call (13.0.0, what today's
 * official apps speak: WebRTC media on 127.0.0.1); `--protocol 2.4.4` makes a libtgvoip call
 * through a local relay instead. Alice calls Bob playing a 440 Hz tone (or the audio file
 * you name), Bob answers and records to out.wav, and Bob's side measures what arrived.
 * Exits 0 only if the audio made it across.
 *
 *   pnpm demo                      # a 440 Hz tone, protocol 13.0.0
 *   pnpm demo --protocol 8.0.0     # 13.0.0, 12.0.0, 8.0.0 (tgcalls v2) or 2.4.4 (libtgvoip)
 *   pnpm demo music.mp3            # any file ffmpeg reads, or a .raw file (s16le 48 kHz mono)
 *   pnpm demo --loss 0.2           # 20 % of the audio packets dropped on the way
 *   pnpm demo -- --loss 0.2        # the same: a leading `--` is accepted
 *   pnpm demo --seconds 8 --out call.wav
 */
import { parseArgs } from 'node:util'

import { CallAudioError, NativeCallEngine, PhoneCallState } from '@tgvoip/calls'
import { FakeTelegram } from '@tgvoip/calls/testing'
import { callsPlugin } from '@tgvoip/calls'
import { TeeSink, ToneAnalyzer, ToneSource, WavFileSink, checkSourcePath } from '@tgvoip/calls-audio'
import { WebRtcCallEngine } from '@tgvoip/calls-webrtc'

import { showLiveStats } from './lib/live-stats.js'
import { log, sleep, traceStates, watchdog } from './lib/log.js'

const TONE_HZ = 440
const PROTOCOLS = ['13.0.0', '12.0.0', '8.0.0', '2.4.4']
const LEGACY = '2.4.4'

// `pnpm demo -- --loss 0.2` hands the script a leading `--`: it separates pnpm's options, not ours.
const args = process.argv.slice(2)
if (args[0] === '--') args.shift()
const { values, positionals } = parseArgs({
  args,
  allowPositionals: true,
  options: {
    loss: { type: 'string', default: '0' },
    protocol: { type: 'string', default: '13.0.0' },
    seconds: { type: 'string', default: '4' },
    out: { type: 'string', default: 'out.wav' },
  },
})
const loss = Number(values.loss)
const seconds = Number(values.seconds)
const protocol = values.protocol
if (!(loss >= 0 && loss < 1) || !(seconds > 0 && seconds <= 600) || !PROTOCOLS.includes(protocol)) {
  console.error(`usage: pnpm demo [file] [--protocol ${PROTOCOLS.join('|')}] [--loss 0..0.9] [--seconds N] [--out out.wav]`)
  process.exit(2)
}
const file = positionals[0]
watchdog(seconds + 15, 'demo')

/** Ends the demo with a message naming the problem (a missing file, one ffmpeg cannot decode). */
function fail(message: string): never {
  console.error(`demo: ${message}`)
  process.exit(1)
}

if (file) {
  try {
    checkSourcePath(file)
  } catch (err) {
    fail(`cannot play ${file}: ${(err as Error).message}`)
  }
}

// Both sides offer every version (the plugin's default engines); the fake server picks the
// one asked for. Loss: the legacy call's relay drops packets; a v2 call has no relay, so its
// engine drops that share of its outgoing audio packets instead.
const legacy = protocol === LEGACY
const telegram = new FakeTelegram({
  libraryVersionChoice: () => protocol,
  ...(legacy && loss > 0 ? { relayFaults: { lossRate: loss, seed: 42 } } : {}),
})
const alice = await telegram.createClient({ firstName: 'Alice', username: 'alice' })
const bob = await telegram.createClient({ firstName: 'Bob', username: 'bob' })
const engines = () => [new WebRtcCallEngine(loss > 0 ? { simulatedLoss: { rate: loss, seed: 42 } } : {}), new NativeCallEngine()]
alice.use(callsPlugin({ engine: engines() }))
bob.use(callsPlugin({ engine: engines() }))
const relay = telegram.localRelays[0]!
const dropping = loss > 0 ? `, dropping ${(loss * 100).toFixed(0)}% of packets` : ''
log('demo', legacy ? `local relay on udp://${relay.host}:${relay.port}${dropping}` : `WebRTC media (ICE, DTLS-SRTP) on 127.0.0.1${dropping}`)

// Bob's side: record to WAV and measure at the same time.
// Short windows so that even a one-second call gives several to judge: a lost packet's
// concealment bends the tone in the window it falls in, and the median leaves that window out.
const WINDOW_MS = 100
const analyzer = new ToneAnalyzer({ windowMs: WINDOW_MS })
bob.calls.on('incomingCall', (call) => {
  log('bob', `incoming call from ${call.peer?.displayName ?? call.peerId}`)
  traceStates('bob', call)
  // Let it ring briefly, like a person would.
  setTimeout(() => {
    call.accept({ sink: new TeeSink(new WavFileSink(values.out), analyzer) }).catch((err: unknown) => log('bob', `accept failed: ${String(err)}`))
  }, 300)
})
alice.calls.on('outgoingCall', (call) => traceStates('alice', call))

// A path plays like in a bot: `.raw` as s16le 48 kHz mono, anything else through ffmpeg.
const source = file ?? new ToneSource({ frequencies: TONE_HZ, amplitude: 0.5 })
log('alice', `calling @bob, playing ${file ?? `a ${TONE_HZ} Hz tone`}`)
const aliceCall = await alice.calls.call('bob', source).catch((err: unknown) => fail(describeFailure(err)))
const bobCall = bob.calls.activeCalls[0]!
await bobCall.entersState(PhoneCallState.Established, 5000)
log('demo', `negotiated library version ${aliceCall.libraryVersion} (${aliceCall.libraryVersion === LEGACY ? 'libtgvoip' : 'tgcalls v2'})`)

console.log()
console.log(`  Alice sees: ${aliceCall.emojis.join(' ')}`)
console.log(`  Bob sees:   ${bobCall.emojis.join(' ')}`)
console.log()
const keysMatch = aliceCall.emojis.length === 4 && aliceCall.emojis.join() === bobCall.emojis.join()

const stopStats = showLiveStats('bob', bobCall)
await sleep(seconds * 1000)
stopStats()

const finalStats = bobCall.stats()
// The file turned out not to be audio (it existed, so only decoding could tell).
if (aliceCall.error) fail(describeFailure(aliceCall.error))
log('alice', 'hanging up')
await aliceCall.hangup()
log('bob', `call ended: ${await bobCall.ended}`) // resolves once out.wav is finalised
await telegram.destroy()

// The first 300 ms are the jitter buffer filling up, and the remainder flushed at the end is
// too short to measure precisely: judge the full windows of the steady state.
const steady = analyzer.results.slice(300 / WINDOW_MS).filter((r) => r.durationMs >= WINDOW_MS)
const heard = steady.filter((r) => r.dbfs > -40)
const frequencies = heard.flatMap((r) => (r.frequency === null ? [] : [r.frequency])).sort((a, b) => a - b)
const median = frequencies[Math.floor(frequencies.length / 2)] ?? Number.NaN
const level = steady.length ? Math.max(...steady.map((r) => r.dbfs)) : -Infinity
console.log()
console.log(`  Bob received: ${Number.isFinite(median) ? `${median.toFixed(1)} Hz` : 'nothing'} at ${level.toFixed(1)} dBFS (${heard.length}/${steady.length} windows with audio)`)
if (finalStats) {
  const dropped = legacy ? `, relay dropped ${relay.stats.dropped}` : ''
  console.log(`  Bob's link:   ${finalStats.packetsReceived} packets in, lost ${finalStats.packetsLost} (${(finalStats.lossRate * 100).toFixed(1)}%)${dropped}`)
}
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

function describeFailure(err: unknown): string {
  const error = err as Error
  // A source that failed mid-call is wrapped in CallAudioError; its cause says what the file did.
  const cause = error instanceof CallAudioError && error.cause instanceof Error ? error.cause : error
  return file ? `cannot play ${file}: ${cause.message}` : `the call failed: ${error.message}`
}
