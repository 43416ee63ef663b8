/**
 * record-incoming: answers every call and records the caller to a WAV file per call.
 *
 *   API_ID=… API_HASH=… TG_SESSION=… node --conditions=@tgvoip/source --import tsx examples/record-incoming.ts [dir]
 *   node --conditions=@tgvoip/source --import tsx examples/record-incoming.ts --offline [dir]
 *
 * --offline: a fake "Carol" calls and plays the DTMF digits 1 2 3 4, then hangs up; the
 * recording is checked for audio and the example exits 0.
 */
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

import type { Call } from '@tgvoip/calls'
import { DtmfSource, decodeWav, analyzeTone } from '@tgvoip/calls-audio'

import { connectExample } from './lib/client.js'
import { log, watchdog } from './lib/log.js'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { offline: { type: 'boolean', default: false } } })
const dir = positionals[0] ?? (values.offline ? tmpdir() : '.')
const { client, offline, close } = await connectExample({ offline: values.offline, selfName: 'Recorder', peerName: 'Carol' })

const recorded = new Promise<string>((resolve) => {
  client.calls.on('incomingCall', async (call: Call) => {
    const path = join(dir, `call-${call.id}.wav`)
    log('rec', `call from ${call.peer?.displayName ?? call.peerId}, recording to ${path}`)
    // A string sink is a file path: '.wav' records with WavFileSink.
    await call.accept({ sink: path })
    log('rec', `call ended: ${await call.ended}`) // the WAV is complete once `ended` resolves
    resolve(path)
  })
})

if (!offline) {
  log('rec', 'waiting for calls (Ctrl-C to stop)')
  process.once('SIGINT', () => void close().then(() => process.exit(0)))
} else {
  watchdog(20, 'record-incoming')
  const call = await offline.peer.calls.call('recorder', new DtmfSource({ digits: '1234', toneMs: 200, gapMs: 100 }))
  log('carol', 'connected, dialling 1 2 3 4')
  call.once('sourceEnd', () => void call.hangup())
  const path = await recorded
  await close()
  const { header, channels } = decodeWav(await readFile(path))
  const samples = channels[0]!
  const level = analyzeTone(samples, { sampleRate: header.sampleRate }).dbfs
  log('rec', `saved ${path}: ${(samples.length / header.sampleRate).toFixed(2)} s at ${header.sampleRate} Hz, level ${level.toFixed(1)} dBFS`)
  process.exit(level > -40 ? 0 : 1)
}
