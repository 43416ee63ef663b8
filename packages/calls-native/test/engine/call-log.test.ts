import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  CallState,
  DataSaving,
  InvalidArgumentError,
  VoIPController,
  type VoIPConfig,
  type VoIPControllerOptions,
} from '../../src/index.js'
import { LocalRelay } from '../../src/testing/index.js'
import { relayEndpoint, sleep, waitForState } from './helpers/call-pair.js'
import { openFds } from './helpers/fds.js'
import { useRelay } from './helpers/relay-fixture.js'

type LogConfig = Pick<VoIPConfig, 'logFilePath' | 'statusDumpPath' | 'logPacketStats'>

interface LogSetup {
  options?: VoIPControllerOptions
  config?: LogConfig
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** Resolves with `read()`'s result once `ok` accepts it; rejects after `timeoutMs`. */
async function poll<T>(read: () => T, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = read()
    if (ok(value)) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms (last: ${String(value)})`)
    await sleep(25)
  }
}

const readOrEmpty = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '')

describe('VoIPController logging options', () => {
  const fixture = useRelay()
  const controllers: VoIPController[] = []
  let dir = ''

  // The engine thread's own descriptors appear on first use; keep them out of fd baselines.
  beforeAll(() => new VoIPController().destroy())
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tgvoip-call-log-'))
  })
  afterEach(() => {
    for (const controller of controllers.splice(0)) controller.destroy()
    rmSync(dir, { recursive: true, force: true })
  })

  /**
   * A caller and a callee through `relay`, set up as pytgvoip users do, except that the
   * endpoints come before setConfig(): the log must still show them.
   */
  function call(relay: LocalRelay, caller: LogSetup, callee: LogSetup = {}, callId = 77n) {
    const key = new Uint8Array(randomBytes(256))
    const tags = LocalRelay.createTagPair()
    const side = (setup: LogSetup, isOutgoing: boolean, tag: Uint8Array): VoIPController => {
      const controller = new VoIPController(setup.options)
      controllers.push(controller)
      controller.setEncryptionKey(key, isOutgoing)
      controller.setRemoteEndpoints([relayEndpoint(relay, tag, 5n)], false, false, VoIPController.CONNECTION_MAX_LAYER)
      controller.setConfig({ initTimeout: 2, recvTimeout: 2, dataSavingMode: DataSaving.NEVER, callId, ...setup.config })
      controller.setSendAudioFrameCallback((length) => new Uint8Array(length).fill(isOutgoing ? 0x20 : 0x40))
      return controller
    }
    const pair = { caller: side(caller, true, tags.callerTag), callee: side(callee, false, tags.calleeTag), key, tags }
    pair.caller.connect()
    pair.callee.connect()
    return pair
  }

  it('writes a call log and a status dump for a real call, without key material', async () => {
    const relay = await fixture.relay()
    const logFilePath = join(dir, 'call.log')
    const statusDumpPath = join(dir, 'call.status')
    const { caller, key, tags } = call(relay, { config: { logFilePath, statusDumpPath, logPacketStats: true } })
    await waitForState(caller, CallState.ESTABLISHED, 2000)
    caller.setMicMute(true)
    const firstDump = await poll(() => readOrEmpty(statusDumpPath), (text) => text.includes('state ESTABLISHED'), 1500)
    await poll(() => readOrEmpty(statusDumpPath), (text) => text !== firstDump, 1500)
    caller.destroy()
    await caller.logsClosed()

    const log = readFileSync(logFilePath, 'utf8')
    const lines = log.trimEnd().split('\n')
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /)
    const expectedOrder = [
      `endpoints: #5 127.0.0.1:${relay.port}`,
      'config: call 77',
      'connect',
      'state WAIT_INIT -> WAIT_INIT_ACK',
      'state WAIT_INIT_ACK -> ESTABLISHED',
      'mic muted',
      'packets sent',
      'destroy: state ESTABLISHED, duration',
      'stats {',
      'debug log {"state":"ESTABLISHED"',
    ]
    const positions = expectedOrder.map((text) => lines.findIndex((line) => line.includes(`Z ${text}`)))
    expect(positions.every((position) => position >= 0), `missing in:\n${log}`).toBe(true)
    expect(positions).toEqual([...positions].sort((a, b) => a - b))
    const stats = JSON.parse(lines.find((line) => line.includes('Z stats {'))!.replace(/^\S+ stats /, '')) as { packetsReceived: number }
    expect(stats.packetsReceived).toBeGreaterThan(0)

    for (const secret of [key, key.subarray(0, 16), key.subarray(240), tags.callerTag, tags.calleeTag]) {
      expect(log.toLowerCase()).not.toContain(hex(secret))
      expect(log).not.toContain(Buffer.from(secret).toString('base64'))
    }

    const finalDump = readFileSync(statusDumpPath, 'utf8')
    expect(finalDump).toContain('state ESTABLISHED')
    expect(finalDump).toContain(`sent ${caller.getStats().packetsSent} pkts`)
    expect(existsSync(`${statusDumpPath}.tmp`)).toBe(false)
  })

  it('logs the error of a failed call', async () => {
    const relay = await fixture.relay()
    const logFilePath = join(dir, 'failed.log')
    const caller = new VoIPController()
    controllers.push(caller)
    caller.setConfig({ initTimeout: 1, recvTimeout: 1, dataSavingMode: DataSaving.NEVER, callId: 3n, logFilePath })
    caller.setEncryptionKey(new Uint8Array(randomBytes(256)), true)
    caller.setRemoteEndpoints([relayEndpoint(relay, LocalRelay.createTagPair().callerTag)], false, false, 92)
    caller.connect() // nobody answers
    await waitForState(caller, CallState.FAILED, 2500)
    caller.destroy()
    await caller.logsClosed()
    const log = readFileSync(logFilePath, 'utf8')
    expect(log).toMatch(/Z state WAIT_INIT_ACK -> FAILED\n\S+Z error TIMEOUT\n/)
    expect(log).toContain('destroy: state FAILED, duration 0 s, last error TIMEOUT')
  })

  it('derives <logsDir>/<callId>.log (and .status with debug), creating the directory', async () => {
    const logsDir = join(dir, 'nested', 'logs')
    const withDebug = new VoIPController({ logsDir, debug: true })
    withDebug.setConfig({ initTimeout: 2, recvTimeout: 2, dataSavingMode: DataSaving.NEVER, callId: 42n })
    const plain = new VoIPController({ logsDir })
    plain.setConfig({ initTimeout: 2, recvTimeout: 2, dataSavingMode: DataSaving.NEVER, callId: -7 })
    const statusOnly = new VoIPController({ logsDir, debug: true })
    statusOnly.setConfig({ initTimeout: 2, recvTimeout: 2, dataSavingMode: DataSaving.NEVER, callId: 9n, logFilePath: '' })
    for (const controller of [withDebug, plain, statusOnly]) controller.destroy()
    await Promise.all([withDebug.logsClosed(), plain.logsClosed(), statusOnly.logsClosed()])

    expect(readdirSync(logsDir).sort()).toEqual(['-7.log', '42.log', '42.status', '9.status'])
    const log = readFileSync(join(logsDir, '42.log'), 'utf8')
    expect(log).toContain('config: call 42, init timeout 2 s')
    expect(log).toContain('packet stats on')
    expect(log).toContain('destroy: state WAIT_INIT, duration 0 s')
    expect(readFileSync(join(logsDir, '-7.log'), 'utf8')).toContain('packet stats off')
    expect(readFileSync(join(logsDir, '42.status'), 'utf8')).toContain('state WAIT_INIT')
  })

  it('creates no files when no log option is given, even with debug', async () => {
    const relay = await fixture.relay()
    const callId = 918_273_645n
    const { caller, callee } = call(relay, { options: { debug: true } }, {}, callId)
    await waitForState(caller, CallState.ESTABLISHED, 2000)
    caller.destroy()
    callee.destroy()
    await Promise.all([caller.logsClosed(), callee.logsClosed()])
    for (const where of [process.cwd(), tmpdir()]) {
      expect(readdirSync(where).filter((name) => name.includes(String(callId)) || name === 'logs')).toEqual([])
    }
  })

  it('an unwritable path does not crash or break the call', async () => {
    const relay = await fixture.relay()
    const notADir = join(dir, 'plain-file')
    writeFileSync(notADir, 'x')
    const { caller, callee } = call(
      relay,
      { config: { logFilePath: dir, statusDumpPath: join(notADir, 'call.status'), logPacketStats: true } },
      { options: { logsDir: join(notADir, 'logs'), debug: true } },
    )
    await waitForState(caller, CallState.ESTABLISHED, 2000)
    await sleep(1200) // a status dump and a packet-stats line are attempted and fail
    expect(caller.state).toBe(CallState.ESTABLISHED)
    expect(callee.getStats().packetsReceived).toBeGreaterThan(0)
    caller.destroy()
    callee.destroy()
    await Promise.all([caller.logsClosed(), callee.logsClosed()])
    expect(readdirSync(dir)).toEqual(['plain-file'])
  })

  it('leaves no descriptors or timers behind after destroy()', async () => {
    const relay = await fixture.relay()
    await sleep(50)
    const baseline = openFds()
    const started = vi.spyOn(globalThis, 'setInterval')
    const cleared = vi.spyOn(globalThis, 'clearInterval')
    try {
      const logFilePath = join(dir, 'call.log')
      const statusDumpPath = join(dir, 'call.status')
      const { caller, callee } = call(relay, { config: { logFilePath, statusDumpPath, logPacketStats: true } })
      await waitForState(caller, CallState.ESTABLISHED, 2000)
      await poll(() => existsSync(statusDumpPath), Boolean, 1500)
      caller.destroy()
      callee.destroy()
      await caller.logsClosed()
      await poll(openFds, (fds) => fds <= baseline, 1000)
      // The timer is unref'd, so process.getActiveResourcesInfo() cannot see it: check that
      // every interval the call started was cleared.
      const timers = started.mock.results.map((result) => result.value as unknown)
      expect(timers.length).toBeGreaterThan(0)
      const clearedTimers = new Set(cleared.mock.calls.map(([timer]) => timer as unknown))
      expect(timers.filter((timer) => !clearedTimers.has(timer))).toEqual([])
    } finally {
      started.mockRestore()
      cleared.mockRestore()
    }
  })

  it('rejects non-string paths and non-boolean flags', () => {
    expect(() => new VoIPController({ logsDir: 5 as unknown as string })).toThrow(InvalidArgumentError)
    expect(() => new VoIPController({ debug: 'yes' as unknown as boolean })).toThrow(InvalidArgumentError)
    expect(() => new VoIPController({ persistentStateFile: {} as unknown as string })).toThrow(InvalidArgumentError)
    const controller = new VoIPController()
    controllers.push(controller)
    const base = { initTimeout: 2, recvTimeout: 2, dataSavingMode: DataSaving.NEVER, callId: 1n }
    expect(() => controller.setConfig({ ...base, logFilePath: Buffer.from('x') as unknown as string })).toThrow(InvalidArgumentError)
    expect(() => controller.setConfig({ ...base, statusDumpPath: 1 as unknown as string })).toThrow(InvalidArgumentError)
    expect(() => controller.setConfig({ ...base, logPacketStats: 1 as unknown as boolean })).toThrow(InvalidArgumentError)
    expect(() => controller.setConfig({ ...base, logFilePath: 'a\0b' })).toThrow(InvalidArgumentError)
  })
})
