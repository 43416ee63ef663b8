/** Received frames as an async iterable: buffered while nobody reads, ended by close. */
const MAX_BUFFERED = 50 // 1 s; a reader that falls further behind loses the oldest audio

export class FrameStream {
  private readonly readers = new Set<{ frames: Int16Array[]; wake?: () => void }>()
  private ended = false

  push(frame: Int16Array): void {
    for (const reader of this.readers) {
      reader.frames.push(frame)
      if (reader.frames.length > MAX_BUFFERED) reader.frames.shift()
      reader.wake?.()
    }
  }

  end(): void {
    this.ended = true
    for (const reader of this.readers) reader.wake?.()
  }

  async *iterate(): AsyncGenerator<Int16Array> {
    const reader: { frames: Int16Array[]; wake?: () => void } = { frames: [] }
    this.readers.add(reader)
    try {
      for (;;) {
        const frame = reader.frames.shift()
        if (frame) {
          yield frame
          continue
        }
        if (this.ended) return
        await new Promise<void>((resolve) => (reader.wake = resolve))
        reader.wake = undefined
      }
    } finally {
      this.readers.delete(reader)
    }
  }
}
