// A user's first bot, in plain JavaScript against the installed tarballs: two FakeTelegram
// accounts make a real call (DH exchange, encrypted UDP through a local relay, Opus), Alice
// plays a 440 Hz tone, Bob records it to WAV. Exits 0 only if the recording holds the tone.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { analyzeTone, decodeWav, ToneSource } from '@tgvoip/calls-audio'
import { callsPlugin } from '@tgvoip/calls'
import { FakeTelegram } from '@tgvoip/calls/testing'

const TONE_HZ = 440
const recording = join(process.cwd(), 'bob.wav')

const telegram = new FakeTelegram()
const alice = await telegram.createClient({ firstName: 'Alice', username: 'alice' })
const bob = await telegram.createClient({ firstName: 'Bob', username: 'bob' })
alice.use(callsPlugin())
bob.use(callsPlugin())
bob.calls.on('incomingCall', (call) => void call.accept({ sink: recording }))

const call = await alice.calls.call('bob', new ToneSource({ frequencies: TONE_HZ }))
console.log(`call established, key emojis ${call.emojis.join(' ')}`)
await new Promise((resolve) => setTimeout(resolve, 2500))
await call.hangup()
await telegram.destroy()

const { channels, header } = decodeWav(await readFile(recording))
const heard = analyzeTone(channels[0].subarray(header.sampleRate / 2), { sampleRate: header.sampleRate })
const addon = createRequire(import.meta.url)('node-gyp-build').path(join(process.cwd(), 'node_modules/@tgvoip/calls-native'))
console.log(`addon: ${addon}`)
console.log(`Bob recorded ${heard.frequency?.toFixed(1)} Hz at ${heard.dbfs.toFixed(1)} dBFS`)
if (heard.frequency === null || Math.abs(heard.frequency - TONE_HZ) > 2 || heard.dbfs < -30) {
  console.error('FAIL: the tone did not arrive')
  process.exit(1)
}
console.log('OK: the tone went through a call made from the npm tarballs')
