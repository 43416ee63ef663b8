import type { AudioSource } from '../core/types.js'

/** A source, or a factory called each time the previous one ended (to loop). */
export type HoldMusicInput = AudioSource | (() => AudioSource)

/**
 * The player's background audio while no track plays. Keeps its position while a track
 * interrupts it; restarts from the factory when a pass ends.
 */
export class HoldMusic {
  private source: AudioSource | undefined
  private iterator: AsyncIterator<Int16Array> | undefined
  private exhausted = false

  constructor(
    private readonly input: HoldMusicInput,
    private readonly onError: (error: Error, source: AudioSource) => void,
  ) {}

  /** The next frame, or undefined when there is no more hold music. */
  async next(): Promise<Int16Array | undefined> {
    // Two attempts: the current pass may just have ended and a fresh one can start.
    for (let attempt = 0; attempt < 2 && !this.exhausted; attempt++) {
      const source = this.current()
      if (!source || !this.iterator) return undefined
      try {
        const result = await this.iterator.next()
        if (!result.done) return result.value
      } catch (error) {
        // A failing hold source would fail again on every pass; give it up.
        this.exhausted = true
        this.onError(error as Error, source)
      }
      this.dropCurrent()
      if (typeof this.input !== 'function') this.exhausted = true
    }
    return undefined
  }

  async close(): Promise<void> {
    this.exhausted = true
    const source = this.source
    this.dropCurrent()
    if (source) await source.close()
    else if (typeof this.input !== 'function') await this.input.close()
  }

  private current(): AudioSource | undefined {
    if (!this.source) {
      try {
        this.source = typeof this.input === 'function' ? this.input() : this.input
        this.iterator = this.source[Symbol.asyncIterator]()
      } catch (error) {
        this.exhausted = true
        if (this.source) this.onError(error as Error, this.source)
        return undefined
      }
    }
    return this.source
  }

  private dropCurrent(): void {
    const source = this.source
    this.source = undefined
    this.iterator = undefined
    source?.close().catch(() => {})
  }
}
