import { TelegramClient } from '@mtcute/core/client.js'

import { CallOptionsError } from './errors.js'
import { CallManager } from './manager/call-manager.js'
import type { CallManagerOptions } from './manager/options.js'
import { resolveCallManagerOptions } from './manager/options.js'

/** Something `client.use()` installs. mtcute has no plugin API; this is ours. */
export interface TelegramClientPlugin {
  readonly name: string
  install(client: TelegramClient): void
}

declare module '@mtcute/core/client.js' {
  interface TelegramClient {
    /** Installs a plugin (e.g. `callsPlugin()`) and returns the client for chaining. */
    use(plugin: TelegramClientPlugin): this
    /** The `CallManager` installed by `client.use(callsPlugin())`. */
    readonly calls: CallManager
  }
}

// One manager per client, without touching the client object's own fields.
const managers = new WeakMap<object, CallManager>()

/**
 * `client.use(callsPlugin({ engine }))` gives `client.calls`, a `CallManager`. Options are
 * validated here, so mistakes surface at set-up rather than at the first call.
 */
export function callsPlugin(options: CallManagerOptions = {}): TelegramClientPlugin {
  resolveCallManagerOptions(options)
  return {
    name: 'calls',
    install(client) {
      if (managers.has(client)) throw new CallOptionsError('callsPlugin is already installed on this client')
      managers.set(client, new CallManager(client, options))
    },
  }
}

// Patching is global to mtcute's ESM `TelegramClient` (and its subclasses, e.g. @mtcute/node's),
// done once on import; `use` and `calls` do nothing until a plugin is installed.
if (!Object.prototype.hasOwnProperty.call(TelegramClient.prototype, 'use')) {
  Object.defineProperty(TelegramClient.prototype, 'use', {
    configurable: true,
    writable: true,
    value(this: TelegramClient, plugin: TelegramClientPlugin) {
      plugin.install(this)
      return this
    },
  })
}
if (!Object.prototype.hasOwnProperty.call(TelegramClient.prototype, 'calls')) {
  Object.defineProperty(TelegramClient.prototype, 'calls', {
    configurable: true,
    get(this: TelegramClient): CallManager {
      const manager = managers.get(this)
      if (!manager) throw new CallOptionsError('client.calls needs client.use(callsPlugin()) first')
      return manager
    },
  })
}
