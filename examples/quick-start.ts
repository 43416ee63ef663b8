// examples/quick-start.ts: answer every call, play a greeting, record the caller, hang up.
import { TelegramClient } from '@mtcute/node'
import { callsPlugin } from '@tgvoip/calls'

const client = new TelegramClient({ apiId: Number(process.env.API_ID), apiHash: process.env.API_HASH!, storage: 'calls-bot.session' })
client.use(callsPlugin())

client.calls.on('incomingCall', async (call) => {
  console.log(`${call.peer?.displayName ?? call.peerId} is calling`)
  await call.accept({ source: 'greeting.mp3', sink: `call-${call.id}.wav` })
  console.log('key emojis:', call.emojis.join(' '))
  call.once('sourceEnd', () => void call.hangup())
  console.log('call ended:', await call.ended)
})

await client.start({ session: process.env.TG_SESSION })
console.log('waiting for calls')
