/** Runs relay-child.ts inside a network namespace and talks to it over IPC. */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { RelayStats } from '../../../src/testing/index.js'

const CHILD = fileURLToPath(new URL('./relay-child.ts', import.meta.url))
const PACKAGE_ROOT = fileURLToPath(new URL('../../..', import.meta.url))

export class RelayProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly host: string,
    readonly port: number,
  ) {}

  static async start(ns: string, host: string): Promise<RelayProcess> {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--conditions=@tgvoip/source', '--import', 'tsx', CHILD, host], {
      cwd: PACKAGE_ROOT,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the relay process did not start within 15 s')), 15_000)
      child.once('exit', (code) => reject(new Error(`the relay process exited with ${code}`)))
      child.on('message', (message: { kind: string; port?: number }) => {
        if (message.kind !== 'ready') return
        clearTimeout(timer)
        resolve(message.port!)
      })
    })
    return new RelayProcess(child, host, port)
  }

  stats(): Promise<RelayStats> {
    return new Promise((resolve) => {
      const listener = (message: { kind: string; stats?: RelayStats }): void => {
        if (message.kind !== 'stats') return
        this.child.off('message', listener)
        resolve(message.stats!)
      }
      this.child.on('message', listener)
      this.child.send({ kind: 'stats' })
    })
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
    this.child.disconnect()
    await exited
  }
}
