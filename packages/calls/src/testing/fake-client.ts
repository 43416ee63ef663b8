import type { TelegramTransport, tl } from '@mtcute/core'
import { MemoryStorage, PeersIndex, RawUpdateInfo } from '@mtcute/core'
import { BaseTelegramClient } from '@mtcute/core/client.js'
import { NodePlatform } from '@mtcute/node'
import { LogManager } from '@mtcute/core/utils.js'
import { NodeCryptoProvider } from '@mtcute/node/utils.js'

import { updatesOf } from '../signaling/updates-of.js'

// `connect` and `call` are overridden, so mtcute never needs a transport; if some code path
// ever tried, it fails loudly instead of reaching for Telegram's servers.
const noNetwork: TelegramTransport = {
  connect: () => Promise.reject(new Error('FakeTelegram clients never open network connections')),
  packetCodec: () => {
    throw new Error('FakeTelegram clients never open network connections')
  },
}

/** Answers one RPC for a device; throws `tl.RpcError` like Telegram would. */
export type FakeRpcHandler = (request: tl.RpcMethod) => unknown

/**
 * A real mtcute `BaseTelegramClient` (in-memory storage, Node platform) whose RPCs go to
 * `FakeTelegram` instead of the network, and whose updates come from it. Everything above
 * `call()` and the update emitters is mtcute's own code, so `TelegramClient` methods
 * (`resolveUser`, `getMe`, ...) behave as with a real server.
 */
export class FakeTelegramClient extends BaseTelegramClient {
  private handler: FakeRpcHandler | null = null

  constructor(
    logLevel: number,
    private readonly rpcDelayMs = 0,
  ) {
    const platform = new NodePlatform()
    const logger = new LogManager('fake', platform)
    logger.level = logLevel
    super({
      logger,
      apiId: 1,
      apiHash: 'fake-telegram',
      storage: new MemoryStorage(),
      crypto: new NodeCryptoProvider(),
      platform,
      transport: noNetwork,
      updates: false,
    })
  }

  /** @internal Wires the client to the fake server. */
  attach(handler: FakeRpcHandler): void {
    this.handler = handler
  }

  override async connect(): Promise<void> {
    await this.prepare()
  }

  override async call<T extends tl.RpcMethod>(message: T): Promise<tl.RpcCallReturn[T['_']]> {
    await this.prepare()
    if (!this.handler) throw new Error('This fake client was disconnected from FakeTelegram')
    // A macrotask-free async hop, so callers never see a synchronous answer (as with a socket).
    await Promise.resolve()
    const result = this.handler(message) as tl.RpcCallReturn[T['_']]
    if (this.rpcDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.rpcDelayMs))
    await this.storage.peers.updatePeersFrom(result as tl.TlObject)
    return result
  }

  override async destroy(): Promise<void> {
    this.handler = null
    await super.destroy()
  }

  /** What mtcute does with `Updates` from a socket or an RPC result: store peers, dispatch each update. */
  override handleClientUpdate(updates: tl.TypeUpdates): void {
    this.receive(updates)
  }

  /** @internal An update pushed by the fake server. */
  receive(updates: tl.TypeUpdates): void {
    if (this.destroyed) return
    this.onServerUpdate.emit(updates)
    const peers = 'users' in updates ? PeersIndex.from(updates) : new PeersIndex()
    if ('users' in updates) {
      this.storage.peers.updatePeersFrom(updates).catch((err: unknown) => this.log.warn('storing peers failed: %s', err))
    }
    for (const update of updatesOf(updates)) this.onRawUpdate.emit(new RawUpdateInfo(update, peers))
  }
}
