// A user's first bot, in plain JavaScript against the installed tarballs: two FakeTelegram
// accounts make real calls (DH exchange, encryption, Opus), once with the default engines
// (tgcalls v2, 13.0.0, over WebRTC on loopback) and once with the libtgvoip engine (2.4.4,
// through a local UDP relay). Alice plays a 440 Hz tone, Bob records it to WAV. Exits 0 only
// if every recording holds the tone.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { analyzeTone, decodeWav, ToneSource } from '@tgvoip/calls-audio'
import { callsPlugin, NativeCallEngine } from '@tgvoip/calls'
import { FakeTelegram } from '@tgvoip/calls/testing'

const TONE_HZ = 440

async function callWithTone(engine, expectedVersion) {
  const recording = join(process.cwd(), `bob-${expectedVersion}.wav`)
  const telegram = new FakeTelegram()
  const alice = await telegram.createClient({ firstName: 'Alice', username: 'alice' })
  const bob = await telegram.createClient({ firstName: 'Bob', username: 'bob' })
  alice.use(callsPlugin(engine ? { engine } : {}))
  bob.use(callsPlugin(engine ? { engine } : {}))
  bob.calls.on('incomingCall', (call) => void call.accept({ sink: recording }))

  const call = await alice.calls.call('bob', new ToneSource({ frequencies: TONE_HZ }))
  console.log(`${call.libraryVersion} call established, key emojis ${call.emojis.join(' ')}`)
  await new Promise((resolve) => setTimeout(resolve, 2500))
  await call.hangup()
  await telegram.destroy()

  const { channels, header } = decodeWav(await readFile(recording))
  const heard = analyzeTone(channels[0].subarray(header.sampleRate / 2), { sampleRate: header.sampleRate })
  console.log(`Bob recorded ${heard.frequency?.toFixed(1)} Hz at ${heard.dbfs.toFixed(1)} dBFS`)
  if (call.libraryVersion !== expectedVersion) throw new Error(`expected a ${expectedVersion} call, got ${call.libraryVersion}`)
  if (heard.frequency === null || Math.abs(heard.frequency - TONE_HZ) > 2 || heard.dbfs < -30) {
    throw new Error(`the tone did not arrive over ${expectedVersion}`)
  }
}

try {
  await callWithTone(undefined, '13.0.0')
  await callWithTone(new NativeCallEngine(), '2.4.4')
} catch (error) {
  console.error(`FAIL: ${error.message}`)
  process.exit(1)
}
const addon = createRequire(import.meta.url)('node-gyp-build').path(join(process.cwd(), 'node_modules/@tgvoip/calls-native'))
console.log(`addon: ${addon}`)
console.log('OK: the tone went through 13.0.0 and 2.4.4 calls made from the npm tarballs')
