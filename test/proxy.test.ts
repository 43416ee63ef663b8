/**
 * The plugin's `proxy` option (pytgvoip's `set_proxy`): a proxied call never leaves the
 * proxy. The default engines offer only 2.4.4 behind a manager-wide proxy (the v2 engine has
 * no SOCKS5 client), an unusable proxy fails the call with the proxy's own typed error, and a
 * v2 call asked to use a proxy fails instead of connecting directly. Routing through a real
 * SOCKS5 server (dante) is covered by @tgvoip/calls-native's proxy tests.
 */
import { createServer } from 'node:net'
import { tl } from '@mtcute/core'
import { CallFailedError, CallOptionsError, callsPlugin } from '@tgvoip/calls'
import { ProxyUnreachableError } from '@tgvoip/calls-native'
import { ProxyNotSupportedError, WebRtcCallEngine } from '@tgvoip/calls-webrtc'
import { afterEach, describe, expect, it } from 'vitest'

import { twoAccounts, type TwoAccounts } from './support/two-accounts.js'

let accounts: TwoAccounts | undefined
afterEach(async () => {
  await accounts?.destroy()
  accounts = undefined
})

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * Alice calls Bob, both behind the proxy. Whichever side's engine fails first reports the
 * proxy's error; the other learns of it from Telegram ("the other side lost the connection").
 */
async function failedCall(e: TwoAccounts): Promise<{ outgoing: unknown; proxyErrors: unknown[] }> {
  const incoming = e.nextIncoming()
  const outgoing = e.alice.calls.call('bob').catch((err: unknown) => err)
  const callee = await incoming
  void callee.accept().catch(() => undefined)
  const callerError = await outgoing
  await callee.ended
  return { outgoing: callerError, proxyErrors: [(callerError as CallFailedError).cause, callee.error?.cause] }
}

describe('calls through a SOCKS5 proxy', () => {
  it('a manager-wide proxy makes the default engines offer 2.4.4 only; an unreachable proxy fails the call with ProxyUnreachableError and nothing reaches the relay', async () => {
    const proxy = { host: '127.0.0.1', port: await closedPort(), username: 'bot', password: 'secret' }
    accounts = await twoAccounts({ config: { callConnectTimeoutMs: 3_000 } }, { proxy })
    const { outgoing, proxyErrors } = await failedCall(accounts)
    const request = accounts.telegram.requestsOf('phone.requestCall')[0]!.request as tl.phone.RawRequestCallRequest
    expect(request.protocol.libraryVersions).toEqual(['2.4.4'])
    expect(outgoing).toBeInstanceOf(CallFailedError)
    expect(proxyErrors.some((error) => error instanceof ProxyUnreachableError)).toBe(true)
    expect(accounts.telegram.localRelays[0]!.stats.received).toBe(0)
  })

  it('a proxy host name that does not resolve fails the call with ProxyUnreachableError', async () => {
    accounts = await twoAccounts({ config: { callConnectTimeoutMs: 3_000 } }, { proxy: { host: 'proxy.invalid', port: 1080 } })
    const { outgoing, proxyErrors } = await failedCall(accounts)
    expect(outgoing).toBeInstanceOf(CallFailedError)
    const unreachable = proxyErrors.find((error) => error instanceof ProxyUnreachableError)
    expect(String(unreachable)).toMatch(/proxy\.invalid cannot be resolved/)
  })

  it('a tgcalls v2 call given a proxy fails with ProxyNotSupportedError instead of connecting around it', async () => {
    const proxy = { host: '127.0.0.1', port: 1080 }
    accounts = await twoAccounts({}, { engine: new WebRtcCallEngine() })
    const incoming = accounts.nextIncoming()
    const outgoing = accounts.alice.calls.call('bob', undefined, { proxy }).catch((err: unknown) => err)
    const callee = await incoming
    void callee.accept().catch(() => undefined)
    const error = await outgoing
    expect(error).toBeInstanceOf(CallFailedError)
    expect((error as CallFailedError).cause).toBeInstanceOf(ProxyNotSupportedError)
  })

  it('rejects a malformed proxy option before anything is sent', async () => {
    expect(() => callsPlugin({ proxy: { host: '', port: 70_000 } } as never)).toThrow(CallOptionsError)
  })
})
