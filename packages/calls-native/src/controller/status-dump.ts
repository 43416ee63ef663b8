/**
 * Keeps a file holding the call's current status (pytgvoip's `status_dump_path`). Each
 * dump is written to `<path>.tmp` and renamed over the file, so a reader never sees half
 * of one. Dumps never overlap: text asked for while one is in flight waits, and newer
 * text replaces it. The first I/O error stops the dumps (one message on NODE_DEBUG=tgvoip).
 */
import { rename, rm, writeFile } from 'node:fs/promises'
import { debugChannel } from './log-line-writer.js'

export class StatusDump {
  private readonly tmpPath: string
  private inFlight: Promise<void> | undefined
  private queued: string | undefined
  private failed = false
  private closed = false

  constructor(readonly path: string) {
    this.tmpPath = `${path}.tmp`
  }

  write(text: string): void {
    if (this.failed || this.closed) return
    this.queued = text
    this.inFlight ??= this.drain()
  }

  /** Writes `finalText` after any dump in flight; resolves once it is in place (or failed). */
  async close(finalText: string): Promise<void> {
    this.write(finalText)
    this.closed = true
    await this.inFlight
  }

  private async drain(): Promise<void> {
    while (this.queued !== undefined && !this.failed) {
      const text = this.queued
      this.queued = undefined
      try {
        await writeFile(this.tmpPath, text)
        await rename(this.tmpPath, this.path)
      } catch (error) {
        this.failed = true
        debugChannel('status dump %s is not writable, dumps stop: %s', this.path, (error as Error).message)
        await rm(this.tmpPath, { force: true }).catch(() => undefined)
      }
    }
    this.inFlight = undefined
  }
}
