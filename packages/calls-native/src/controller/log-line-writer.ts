/**
 * Appends text lines to a file without ever blocking or throwing into the call: writes
 * go through an fs.WriteStream, the memory they may hold is capped (lines beyond it are
 * counted and reported once the stream catches up), and the first I/O error turns the
 * writer off after one message on the `tgvoip` debug channel (NODE_DEBUG=tgvoip).
 */
import { createWriteStream, type WriteStream } from 'node:fs'
import { debuglog } from 'node:util'

export const debugChannel = debuglog('tgvoip')

/** A disk slower than the call for this long a backlog is not worth more memory. */
const MAX_PENDING_BYTES = 256 * 1024

export class LogLineWriter {
  private readonly stream: WriteStream
  private failed = false
  private droppedLines = 0
  private closing: Promise<void> | undefined

  constructor(path: string) {
    this.stream = createWriteStream(path, { flags: 'a' })
    this.stream.on('error', (error) => {
      if (this.failed) return
      this.failed = true
      debugChannel('call log %s is not writable, logging to it stops: %s', path, error.message)
    })
  }

  write(line: string): void {
    if (this.failed || this.closing) return
    if (this.stream.writableLength > MAX_PENDING_BYTES) {
      this.droppedLines++
      return
    }
    this.stream.write(this.takeDroppedNote() + line + '\n')
  }

  /** Flushes what was written and closes the file; resolves even if the file failed. */
  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      if (this.stream.closed) return resolve()
      this.stream.once('close', () => resolve())
      if (!this.stream.destroyed) this.stream.end(this.takeDroppedNote() || undefined)
    })
    return this.closing
  }

  private takeDroppedNote(): string {
    if (!this.droppedLines) return ''
    const note = `(${this.droppedLines} lines dropped: the disk fell behind)\n`
    this.droppedLines = 0
    return note
  }
}
