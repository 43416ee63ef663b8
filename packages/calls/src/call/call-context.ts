import type { ITelegramClient, tl } from '@mtcute/core'
import type { Logger } from '@mtcute/core/utils.js'

import type { CallEngine } from '../engine/call-engine.js'
import type { DhConfigCache } from '../signaling/dh-config-cache.js'
import type { ServerConfig } from '../signaling/server-config.js'
import type { Call } from './call.js'
import type { CallNetworkOptions } from './network-options.js'
import type { CallLifecycle } from './call-lifecycle.js'

/** What a `Call` needs from its `CallManager`: shared services plus registry hooks. */
export interface CallContext {
  readonly client: ITelegramClient
  readonly log: Logger
  readonly engine: CallEngine | undefined
  readonly protocol: tl.RawPhoneCallProtocol
  readonly dh: DhConfigCache
  readonly config: ServerConfig
  /** The manager's network settings, under each call's own. */
  readonly network: CallNetworkOptions
  /** The server assigned an id to an outgoing call: route its updates to it from now on. */
  registerId(call: Call): void
  /** The call reached `ended`/`failed`: forget it. */
  onFinished(call: CallLifecycle): void
}
