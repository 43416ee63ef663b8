import type { ITelegramClient } from '@mtcute/core'

import { b2i, DH_BYTES } from '../crypto/bytes.js'
import { checkDhConfig } from '../crypto/dh-checks.js'

export interface DhParams {
  g: number
  p: bigint
  /** Fresh server randomness from this request, mixed into our secret. */
  random: Uint8Array
}

/**
 * `messages.getDhConfig` with Telegram's version caching: we send the version we hold and
 * reuse our copy on `dhConfigNotModified`. A config is only stored after it passed
 * `checkDhConfig`, so a bad config is re-fetched (and re-rejected) rather than trusted.
 */
export class DhConfigCache {
  private current: { version: number; g: number; p: bigint } | null = null

  constructor(private readonly client: ITelegramClient) {}

  async get(): Promise<DhParams> {
    const res = await this.client.call({
      _: 'messages.getDhConfig',
      version: this.current?.version ?? 0,
      randomLength: DH_BYTES,
    })
    if (res._ === 'messages.dhConfigNotModified') {
      if (!this.current) {
        // The server claims we hold a config we never stored: ask again from scratch.
        const retry = await this.client.call({ _: 'messages.getDhConfig', version: 0, randomLength: DH_BYTES })
        if (retry._ === 'messages.dhConfigNotModified') throw new Error('Server sent dhConfigNotModified for version 0')
        return this.store(retry.version, retry.g, retry.p, retry.random)
      }
      return { g: this.current.g, p: this.current.p, random: res.random }
    }
    return this.store(res.version, res.g, res.p, res.random)
  }

  private async store(version: number, g: number, pBytes: Uint8Array, random: Uint8Array): Promise<DhParams> {
    await checkDhConfig(g, pBytes)
    const p = b2i(pBytes)
    this.current = { version, g, p }
    return { g, p, random }
  }
}
