/**
 * call-and-play: calls a user, plays an audio file (anything ffmpeg reads), hangs up when it ends.
 *
 *   API_ID=… API_HASH=… TG_SESSION=… node --conditions=@tgvoip/source --import tsx examples/call-and-play.ts @username music.mp3
 *   node --conditions=@tgvoip/source --import tsx examples/call-and-play.ts --offline [file]
 *
 * --offline: calls a fake "Bob" who answers and measures what he hears; without a file a
 * 2-second 523 Hz WAV is generated first. Exits 0 if Bob heard the file.
 */
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

import { ToneAnalyzer, ToneSource, WavFileSink, pipe } from '@tgvoip/calls-audio'

import { connectExample } from './lib/client.js'
import { log, traceStates, watchdog } from './lib/log.js'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { offline: { type: 'boolean', default: false } } })
const { client, offline, close } = await connectExample({ offline: values.offline, selfName: 'Player', peerName: 'Bob' })

let target: string
let file: string
const bobHeard = new ToneAnalyzer({ windowMs: 500 })
if (offline) {
  watchdog(30, 'call-and-play')
  target = offline.peerUsername
  file = positionals[0] ?? join(tmpdir(), `call-and-play-${process.pid}.wav`)
  if (!positionals[0]) {
    // The tone made for this run goes with the process, however it exits.
    const generated = file
    process.once('exit', () => rmSync(generated, { force: true }))
    await pipe(new ToneSource({ frequencies: 523, durationMs: 2000 }), new WavFileSink(generated))
  }
  offline.peer.calls.on('incomingCall', (call) => void call.accept({ sink: bobHeard }).catch(() => undefined))
} else {
  if (positionals.length !== 2) {
    console.error('usage: call-and-play.ts @username file   (or --offline [file])')
    process.exit(2)
  }
  ;[target, file] = positionals as [string, string]
}

watchdog(3600, 'call-and-play')
log('me', `calling ${target}, playing ${file}`)
client.calls.on('outgoingCall', (call) => traceStates('me', call))
// A string source is a file path: the call plays it through ffmpeg (FileSource).
const call = await client.calls.call(target, file)
log('me', `connected; key emojis ${call.emojis.join(' ')}`)
call.once('sourceEnd', () => {
  log('me', 'the file ended, hanging up')
  void call.hangup()
})
log('me', `call ended: ${await call.ended}`)
await close()

if (offline) {
  const loud = bobHeard.results.filter((r) => r.dbfs > -40)
  const hz = loud.map((r) => r.frequency?.toFixed(1)).slice(1, 4).join(', ')
  log('bob', `heard audio in ${loud.length} of ${bobHeard.results.length} half-second windows (${hz} Hz)`)
  process.exit(loud.length >= 2 ? 0 : 1)
}
