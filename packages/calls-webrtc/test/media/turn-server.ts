/**
 * A coturn TURN server on 127.0.0.1 for the relay-only test, started from a generated
 * config (long-term credentials, loopback peers allowed, no TLS, no CLI). Set-up for tests
 * only: when the `turnserver` binary is missing, ensureTurnServer() installs Debian's coturn
 * with apt-get (as root), through the helper the legacy engine's proxy tests use for dante-server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { installDebianPackage } from '../../../calls-native/test/helpers/debian-package.js'

export interface TurnServer {
  port: number
  username: string
  password: string
  stop(): Promise<void>
}

function turnServerInstalled(): boolean {
  return spawnSync('turnserver', ['--help'], { stdio: 'ignore' }).error === undefined
}

/** Whether `turnserver` can run, after installing coturn if it was missing and this process is root. */
export function ensureTurnServer(): boolean {
  if (turnServerInstalled()) return true
  if (process.getuid?.() !== 0) return false
  try {
    installDebianPackage('coturn')
  } catch (error) {
    console.warn(`installing coturn failed: ${(error as Error).message}`)
  }
  return turnServerInstalled()
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

/** Resolves once the server answers a STUN binding request. */
async function waitForStun(port: number, timeoutMs: number): Promise<void> {
  const socket = createSocket('udp4')
  const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), randomBytes(12)])
  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`turnserver did not answer on 127.0.0.1:${port}`)), timeoutMs)
      const poll = setInterval(() => socket.send(request, port, '127.0.0.1'), 100)
      socket.once('message', () => {
        clearTimeout(deadline)
        clearInterval(poll)
        resolve()
      })
    })
  } finally {
    socket.close()
  }
}

export async function startTurnServer(): Promise<TurnServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tgvoip-turn-'))
  const port = await freeUdpPort()
  const username = 'tgvoip'
  const password = randomBytes(12).toString('hex')
  const config = join(dir, 'turnserver.conf')
  writeFileSync(
    config,
    [
      'listening-ip=127.0.0.1',
      'relay-ip=127.0.0.1',
      `listening-port=${port}`,
      'min-port=40000',
      'max-port=60000',
      'lt-cred-mech',
      `user=${username}:${password}`,
      'realm=tgvoip.test',
      'fingerprint',
      'allow-loopback-peers',
      'no-tls',
      'no-dtls',
      'no-cli',
      'no-tcp-relay',
      `pidfile=${join(dir, 'turnserver.pid')}`,
      `log-file=${join(dir, 'turnserver.log')}`,
      'simple-log',
      '',
    ].join('\n'),
  )
  const child: ChildProcess = spawn('turnserver', ['-c', config], { stdio: 'ignore' })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    await waitForStun(port, 5000)
  } catch (err) {
    child.kill()
    rmSync(dir, { recursive: true, force: true })
    throw err
  }
  return {
    port,
    username,
    password,
    stop: async () => {
      child.kill()
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
