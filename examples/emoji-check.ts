/**
 * emoji-check: prints the four key emojis of a call, which both sides must see identically
 * (if they differ, someone is in the middle). Calls `@username`, or without one answers the
 * next incoming call; hangs up right after.
 *
 *   API_ID=… API_HASH=… TG_SESSION=… node --conditions=@tgvoip/source --import tsx examples/emoji-check.ts [@username]
 *   node --conditions=@tgvoip/source --import tsx examples/emoji-check.ts --offline
 *
 * --offline: calls a fake "Dave" who answers; both sides print what they see. Exits 0 if they match.
 */
import { parseArgs } from 'node:util'

import type { Call } from '@tgvoip/calls'

import { connectExample } from './lib/client.js'
import { log, watchdog } from './lib/log.js'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { offline: { type: 'boolean', default: false } } })
const { client, offline, close } = await connectExample({ offline: values.offline, selfName: 'Checker', peerName: 'Dave' })
watchdog(offline ? 20 : 300, 'emoji-check')

let theirs: Promise<readonly string[]> | null = null
if (offline) {
  theirs = new Promise((resolve) => {
    offline.peer.calls.on('incomingCall', async (call: Call) => {
      await call.accept()
      resolve(call.emojis)
    })
  })
}

const target = offline ? offline.peerUsername : positionals[0]
const call: Call = target
  ? await client.calls.call(target)
  : await new Promise<Call>((resolve) => client.calls.once('incomingCall', (incoming) => resolve(incoming.accept())))

log('me', `key emojis: ${call.emojis.join(' ')}   (fingerprint ${call.keyFingerprint?.toString(16)})`)
let match = true
if (theirs) {
  const seen = await theirs
  log('dave', `key emojis: ${seen.join(' ')}`)
  match = seen.join() === call.emojis.join()
  log('me', match ? 'the emojis match: nobody is in the middle' : 'THE EMOJIS DIFFER')
}
await call.hangup()
await close()
process.exit(match ? 0 : 1)
