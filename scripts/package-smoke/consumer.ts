// A strict TypeScript consumer of the installed packages: checks that the published types
// describe the API the README shows, with mtcute's own TelegramClient.
import { TelegramClient } from '@mtcute/node'
import { CallDeclinedError, callsPlugin, type Call, type CallManager } from '@tgvoip/calls'
import { FakeTelegram } from '@tgvoip/calls/testing'
import { AudioPlayer, ToneSource, WavFileSink } from '@tgvoip/calls-audio'
import { LocalRelay, } from '@tgvoip/calls-native/testing'

export async function placeCall(client: TelegramClient): Promise<string> {
  client.use(callsPlugin({ maxConcurrentCalls: 1 }))
  const manager: CallManager = client.calls
  manager.on('incomingCall', (incoming: Call) => {
    void incoming.accept({ source: new AudioPlayer(), sink: new WavFileSink('in.wav') })
  })
  try {
    const call = await manager.call('@someone', new ToneSource({ frequencies: 440 }), { sink: 'reply.wav' })
    const emojis: readonly string[] = call.emojis
    return emojis.join(' ')
  } catch (error) {
    if (error instanceof CallDeclinedError) return 'declined'
    throw error
  }
}

export async function offline(): Promise<number> {
  const telegram = new FakeTelegram()
  const relay: LocalRelay = telegram.localRelays[0]!
  await telegram.destroy()
  return relay.port
}
