import { spawn, type ChildProcess } from 'node:child_process'
import type { Readable, Writable } from 'node:stream'
import { FfmpegNotFoundError } from '../core/errors.js'

/** Bytes of stderr kept for error messages; ffmpeg puts the reason at the end. */
const STDERR_TAIL_BYTES = 2048

export interface FfmpegExit {
  code: number | null
  signal: NodeJS.Signals | null
}

/**
 * One ffmpeg child with pipes. Keeps the tail of stderr for error messages, and makes
 * sure the process is killed and reaped (`kill()` resolves only after exit).
 */
export class FfmpegProcess {
  private readonly child: ChildProcess
  private stderrTail = ''
  private spawnError: Error | undefined
  /** Resolves once the process has exited and its pipes are closed. */
  readonly exited: Promise<FfmpegExit>

  constructor(
    readonly binary: string,
    args: readonly string[],
    options: { stdin: boolean },
  ) {
    const common = ['-hide_banner', '-loglevel', 'error']
    this.child = spawn(binary, [...common, ...args], {
      stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      windowsHide: true,
    })
    this.child.stderr!.setEncoding('utf8')
    this.child.stderr!.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_BYTES)
    })
    // A dead ffmpeg makes stdin writes fail with EPIPE; the exit status reports why.
    this.child.stdin?.on('error', () => {})
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.spawnError = error
        resolve({ code: null, signal: null })
      })
      this.child.once('close', (code, signal) => resolve({ code, signal }))
    })
  }

  get stdout(): Readable {
    return this.child.stdout!
  }

  get stdin(): Writable {
    if (!this.child.stdin) throw new Error('ffmpeg was started without stdin')
    return this.child.stdin
  }

  /** What ffmpeg said on stderr (last lines), trimmed. */
  get errorOutput(): string {
    return this.stderrTail.trim()
  }

  /** Spawn failures that mean "no usable ffmpeg" become `FfmpegNotFoundError`. */
  get startError(): Error | undefined {
    const code = (this.spawnError as NodeJS.ErrnoException | undefined)?.code
    if (code === 'ENOENT' || code === 'EACCES') return new FfmpegNotFoundError(this.binary, [])
    return this.spawnError
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.spawnError === undefined
  }

  /** Kills the process (if still running) and waits until it is reaped. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL')
    // 'close' waits for the pipes too, and unread output would keep stdout open forever.
    this.child.stdout?.destroy()
    this.child.stdin?.destroy()
    await this.exited
  }
}
