import { describe, expect, it } from 'vitest'

import type { ITelegramClient } from '@mtcute/core'
import { LogManager } from '@mtcute/core/utils.js'
import { NodePlatform } from '@mtcute/node'

import { DEFAULT_CALL_TIMEOUTS } from '../src/index.js'
import { ServerConfig } from '../src/signaling/server-config.js'

const log = new LogManager('test', new NodePlatform())
log.level = 0

/** A client whose `call()` answers from a queue of results (an Error is thrown). */
function scriptedClient(answers: unknown[]): { client: ITelegramClient; calls: string[] } {
  const calls: string[] = []
  const client = {
    call: async (req: { _: string }) => {
      calls.push(req._)
      const answer = answers.shift()
      if (answer instanceof Error) throw answer
      return answer
    },
  } as unknown as ITelegramClient
  return { client, calls }
}

describe('ServerConfig', () => {
  it('reads the call timeouts from help.getConfig once, filling gaps with defaults', async () => {
    const { client, calls } = scriptedClient([{ _: 'config', callReceiveTimeoutMs: 1000, callRingTimeoutMs: 0, callConnectTimeoutMs: 3000 }])
    const config = new ServerConfig(client, log, {})
    const expected = { receiveTimeoutMs: 1000, ringTimeoutMs: DEFAULT_CALL_TIMEOUTS.ringTimeoutMs, connectTimeoutMs: 3000, packetTimeoutMs: DEFAULT_CALL_TIMEOUTS.packetTimeoutMs }
    expect(await config.getTimeouts()).toEqual(expected)
    expect(await config.getTimeouts()).toEqual(expected)
    expect(calls).toEqual(['help.getConfig'])
  })

  it('falls back to defaults when help.getConfig fails, and asks again next time', async () => {
    const { client, calls } = scriptedClient([new Error('offline'), { _: 'config', callRingTimeoutMs: 5000 }])
    const config = new ServerConfig(client, log, { packetTimeoutMs: 777 })
    expect(await config.getTimeouts()).toEqual({ ...DEFAULT_CALL_TIMEOUTS, packetTimeoutMs: 777 })
    expect((await config.getTimeouts()).ringTimeoutMs).toBe(5000)
    expect((await config.getTimeouts()).packetTimeoutMs).toBe(777)
    expect(calls).toEqual(['help.getConfig', 'help.getConfig'])
  })

  it('parses phone.getCallConfig, treating malformed or non-object JSON as empty', async () => {
    for (const [data, expected] of [
      ['{"audio_max_bitrate":20000}', { audio_max_bitrate: 20000 }],
      ['not json', {}],
      ['[1,2]', {}],
      ['null', {}],
    ] as const) {
      const { client } = scriptedClient([{ _: 'dataJSON', data }])
      expect(await new ServerConfig(client, log, {}).getCallConfig()).toEqual(expected)
    }
    const { client } = scriptedClient([new Error('flood')])
    expect(await new ServerConfig(client, log, {}).getCallConfig()).toEqual({})
  })
})
