/**
 * echo-bot: answers every call and plays back what the caller says, half a second later.
 *
 *   API_ID=… API_HASH=… TG_SESSION=… node --conditions=@tgvoip/source --import tsx examples/echo-bot.ts
 *   node --conditions=@tgvoip/source --import tsx examples/echo-bot.ts --offline
 *
 * --offline: a fake "Alice" calls the bot playing a 660 Hz tone for 2 s; she prints what she
 * hears back (the tone, delayed) and hangs up. Exits 0 if the echo came back.
 */
import { parseArgs } from 'node:util'

import type { Call } from '@tgvoip/calls'
import { ToneAnalyzer, ToneSource } from '@tgvoip/calls-audio'

import { connectExample } from './lib/client.js'
import { DelayLine } from './lib/delay-line.js'
import { log, sleep, traceStates, watchdog } from './lib/log.js'

const { values } = parseArgs({ options: { offline: { type: 'boolean', default: false }, delay: { type: 'string', default: '500' } } })
const delayMs = Number(values.delay)
const { client, offline, close } = await connectExample({ offline: values.offline, selfName: 'Echo Bot', peerName: 'Alice' })

client.calls.on('incomingCall', async (call: Call) => {
  log('bot', `call from ${call.peer?.displayName ?? call.peerId}`)
  const echo = new DelayLine(delayMs)
  await call.accept({ source: echo.source, sink: echo.sink })
  log('bot', `talking; key emojis ${call.emojis.join(' ')}`)
  log('bot', `call ended: ${await call.ended}`)
})

if (!offline) {
  log('bot', 'waiting for calls (Ctrl-C to stop)')
  process.once('SIGINT', () => void close().then(() => process.exit(0)))
} else {
  watchdog(20, 'echo-bot')
  const TONE_HZ = 660
  const heard = new ToneAnalyzer({ windowMs: 500 })
  log('alice', `calling the bot, playing ${TONE_HZ} Hz for 2 s`)
  const call = await offline.peer.calls.call('echobot', new ToneSource({ frequencies: TONE_HZ, durationMs: 2000 }), { sink: heard })
  traceStates('alice', call)
  await sleep(3500)
  await call.hangup()
  await close()
  const echoed = heard.results.filter((r) => r.dbfs > -40 && r.frequency !== null && Math.abs(r.frequency - TONE_HZ) <= 2)
  log('alice', `heard back ${TONE_HZ} Hz in ${echoed.length} of ${heard.results.length} half-second windows`)
  process.exit(echoed.length >= 2 ? 0 : 1)
}
