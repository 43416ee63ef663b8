import type { AudioSource } from '../core/types.js'
import { sourceFromPath } from '../paths/audio-paths.js'

/** One piece of hold music that can be played again: a file path, or a factory of sources. */
export type HoldMusicItem = string | (() => AudioSource)

/**
 * A source (played once), one repeatable item, or a list of them played in turn and
 * looped (pytgvoip's `play_on_hold([...])`). Paths open like `sourceFromPath`.
 */
export type HoldMusicInput = AudioSource | HoldMusicItem | readonly HoldMusicItem[]

/**
 * The player's background audio while no track plays. Keeps its position while a track
 * interrupts it; moves to the next item (looping) when one ends. An item that fails is
 * reported and left out from then on: it would fail again on every pass.
 */
export class HoldMusic {
  private readonly items: Array<() => AudioSource>
  private readonly loop: boolean
  /** A source given as is: it is ours to close even if it never played. */
  private readonly given: AudioSource | undefined
  private index = 0
  private source: AudioSource | undefined
  private iterator: AsyncIterator<Int16Array> | undefined

  constructor(
    input: HoldMusicInput,
    private readonly onError: (error: Error, source: AudioSource) => void,
  ) {
    if (typeof input === 'object' && !Array.isArray(input)) {
      const given = input as AudioSource
      this.given = given
      this.items = [() => given]
      this.loop = false
    } else {
      const list: readonly HoldMusicItem[] = Array.isArray(input) ? input : [input as HoldMusicItem]
      this.items = list.map((item) => (typeof item === 'string' ? () => sourceFromPath(item) : item))
      this.loop = true
    }
  }

  /** The next frame, or undefined when there is no more hold music. */
  async next(): Promise<Int16Array | undefined> {
    // Every item may end (or fail) once before giving up on this frame: an item that
    // yields nothing at all must not spin forever.
    for (let attempt = 0; attempt <= this.items.length && this.items.length > 0; attempt++) {
      let source: AudioSource | undefined
      try {
        source = this.current()
        if (!source || !this.iterator) return undefined
        const result = await this.iterator.next()
        if (!result.done) return result.value
        this.dropCurrent()
        this.advance()
      } catch (error) {
        this.dropCurrent()
        this.items.splice(this.index, 1)
        if (this.index >= this.items.length) this.index = 0
        if (source) this.onError(error as Error, source)
      }
    }
    return undefined
  }

  async close(): Promise<void> {
    const source = this.source ?? this.given
    this.dropCurrent()
    this.items.length = 0
    await source?.close()
  }

  private advance(): void {
    this.index++
    if (this.index < this.items.length) return
    if (this.loop) this.index = 0
    else this.items.length = 0
  }

  private current(): AudioSource | undefined {
    if (!this.source) {
      const make = this.items[this.index]
      if (!make) return undefined
      const source = make()
      this.source = source
      this.iterator = source[Symbol.asyncIterator]()
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
