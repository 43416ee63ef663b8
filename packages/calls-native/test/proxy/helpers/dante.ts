/**
 * A real SOCKS5 server for the tests: Debian's dante-server (`danted`), run in the
 * proxy namespace with a generated configuration. Set-up for tests only: when `danted`
 * is missing, ensureDante() installs the package with apt-get (root). Username
 * authentication checks system accounts, so ensureSocksUser() creates one.
 * DANTE_DEBUG=1 turns on dante's debug log (see Dante.log()).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { installDebianPackage } from '../../helpers/debian-package.js'

const DANTED = '/usr/sbin/danted'

export function ensureDante(): void {
  if (!existsSync(DANTED)) installDebianPackage('dante-server')
}

/** A system account with `password`; returns a function that removes it if it was created here. */
export function ensureSocksUser(name: string, password: string): () => void {
  let created = false
  try {
    execFileSync('id', [name], { stdio: 'ignore' })
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name])
    created = true
  }
  execFileSync('chpasswd', { input: `${name}:${password}\n` })
  return () => {
    if (created) execFileSync('userdel', [name])
  }
}

export interface DanteOptions {
  /** Network namespace to run in. */
  ns: string
  /** Address and port clients connect to. */
  listen: string
  port: number
  /** Addresses dante sends from towards the relays (one per family). */
  external: string[]
  /** `username`: RFC 1929 against system accounts; `none`: no authentication. */
  method: 'username' | 'none'
  /** false: UDP ASSOCIATE is refused (REP 2), CONNECT still works. */
  udp: boolean
  /** false: CONNECT is refused too (default true). */
  connect?: boolean
}

export class Dante {
  private constructor(
    private readonly ns: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly output: string[],
  ) {}

  static async start(options: DanteOptions): Promise<Dante> {
    const dir = mkdtempSync(join(tmpdir(), 'tgvoip-dante-'))
    const conf = join(dir, 'danted.conf')
    const connect = options.connect ?? true
    const commands = [...(connect ? ['connect'] : []), ...(options.udp ? ['udpassociate', 'udpreply'] : [])].join(' ')
    writeFileSync(
      conf,
      [
        'logoutput: stderr', ...(process.env.DANTE_DEBUG ? ['debug: 1'] : []),
        `internal: ${options.listen} port = ${options.port}`,
        ...options.external.map((address) => `external: ${address}`),
        // With an address per family, pick the one the route to the destination needs.
        'external.rotation: route',
        `socksmethod: ${options.method}`,
        'clientmethod: none',
        'user.privileged: root',
        'user.unprivileged: nobody',
        'client pass { from: 0/0 to: 0/0 }',
        ...(options.udp ? [] : ['socks block { from: 0/0 to: 0/0 command: udpassociate }']),
        ...(connect ? [] : ['socks block { from: 0/0 to: 0/0 command: connect }']),
        ...(commands ? [`socks pass { from: 0/0 to: 0/0 command: ${commands} }`] : []),
        '',
      ].join('\n'),
    )
    const child = spawn('ip', ['netns', 'exec', options.ns, DANTED, '-f', conf, '-p', join(dir, 'danted.pid')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    const output: string[] = []
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()))
    const dante = new Dante(options.ns, child, dir, output)
    try {
      await waitForListener(options.listen, options.port, child)
    } catch (error) {
      await dante.stop()
      throw new Error(`danted did not start: ${String(error)}\n${output.join('')}`)
    }
    return dante
  }

  /** Its log so far (for failure messages). */
  log(): string {
    return this.output.join('')
  }

  /**
   * Kills danted and every child it forked (they are the only processes in its network
   * namespace), the way a crashing proxy goes: its connections close at once.
   */
  async stop(): Promise<void> {
    const exited = this.child.exitCode === null && this.child.signalCode === null ? new Promise<void>((resolve) => this.child.once('exit', () => resolve())) : Promise.resolve()
    for (let attempt = 0; attempt < 100; attempt++) {
      const pids = namespacePids(this.ns)
      if (pids.length === 0) break
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // exited meanwhile
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await exited
    rmSync(this.dir, { recursive: true, force: true })
  }
}

function namespacePids(ns: string): number[] {
  return execFileSync('ip', ['netns', 'pids', ns]).toString().split(/\s+/).filter(Boolean).map(Number)
}

async function waitForListener(host: string, port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`)
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, host)
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (up) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('no listener after 5 s')
}
