/**
 * How every example gets its Telegram client: a real account (API_ID, API_HASH and a
 * string session in TG_SESSION, exported with mtcute's `client.exportSession()`), or with
 * `--offline` an in-process FakeTelegram with a second fake user to talk to. Only user
 * accounts can make or take calls (bots cannot), so the session must be a user's.
 */
import { MemoryStorage } from '@mtcute/core'
import type { TelegramClient as CoreTelegramClient } from '@mtcute/core/client.js'
import { TelegramClient } from '@mtcute/node'
import { callsPlugin } from '@tgvoip/calls'
import type { CallManagerOptions } from '@tgvoip/calls'
import { FakeTelegram } from '@tgvoip/calls/testing'

export interface OfflineWorld {
  telegram: FakeTelegram
  /** The other fake user (named by the example), with the calls plugin installed. */
  peer: CoreTelegramClient
  peerUsername: string
}

export interface ExampleClient {
  client: CoreTelegramClient
  /** Set with `--offline`. */
  offline: OfflineWorld | null
  close(): Promise<void>
}

export async function connectExample(options: {
  offline: boolean
  /** Offline: our fake user's name and the peer's. */
  selfName: string
  peerName: string
  calls?: CallManagerOptions
  relayLoss?: number
}): Promise<ExampleClient> {
  if (options.offline) {
    const telegram = new FakeTelegram(options.relayLoss ? { relayFaults: { lossRate: options.relayLoss, seed: 7 } } : {})
    const peerUsername = options.peerName.toLowerCase().replace(/[^a-z0-9]/g, '')
    const client = await telegram.createClient({ firstName: options.selfName, username: options.selfName.toLowerCase().replace(/[^a-z0-9]/g, '') })
    const peer = await telegram.createClient({ firstName: options.peerName, username: peerUsername })
    client.use(callsPlugin(options.calls))
    peer.use(callsPlugin())
    return { client, offline: { telegram, peer, peerUsername }, close: () => telegram.destroy() }
  }

  const apiId = Number(process.env.API_ID)
  const apiHash = process.env.API_HASH
  const session = process.env.TG_SESSION
  if (!apiId || !apiHash || !session) {
    console.error('Set API_ID, API_HASH and TG_SESSION (a user string session), or pass --offline.')
    process.exit(2)
  }
  const client = new TelegramClient({ apiId, apiHash, storage: new MemoryStorage() })
  client.use(callsPlugin(options.calls))
  // start() runs the updates loop, which is how incoming calls and call state arrive.
  const me = await client.start({ session })
  console.log(`logged in as ${me.displayName}`)
  return { client, offline: null, close: () => client.destroy() }
}
