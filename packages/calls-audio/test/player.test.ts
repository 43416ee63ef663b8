import { describe, expect, it } from 'vitest'
import {
  AudioOptionsError,
  AudioPlayer,
  AudioPlayerState,
  FRAME_SAMPLES,
  SourceAlreadyIteratedError,
  WavFormatError,
  entersState,
  type AudioSource,
} from '../src/index.js'
import { ConstantSource, FailingSource } from './helpers.js'

/** Pulls `count` frames and returns the first sample of each (tracks are constant-valued). */
async function pull(iterator: AsyncIterator<Int16Array>, count: number): Promise<number[]> {
  const values: number[] = []
  for (let i = 0; i < count; i++) {
    const result = await iterator.next()
    if (result.done) throw new Error('player ended')
    expect(result.value).toHaveLength(FRAME_SAMPLES)
    values.push(result.value[0]!)
  }
  return values
}

function recordStates(player: AudioPlayer): string[] {
  const states: string[] = []
  player.on('stateChange', (old, next) => states.push(`${old}>${next}`))
  return states
}

describe('AudioPlayer', () => {
  it('plays the queue in order, then idles with silence', async () => {
    const player = new AudioPlayer()
    const states = recordStates(player)
    const ended: AudioSource[] = []
    player.on('trackEnd', (source) => ended.push(source))
    const tracks = [new ConstantSource(1, 2), new ConstantSource(2, 3), new ConstantSource(3, 1)]
    player.enqueue(...tracks)
    expect(player.state).toBe(AudioPlayerState.Playing)
    expect(player.queue).toHaveLength(2)
    const iterator = player[Symbol.asyncIterator]()
    expect(await pull(iterator, 8)).toEqual([1, 1, 2, 2, 2, 3, 0, 0])
    expect(player.state).toBe(AudioPlayerState.Idle)
    expect(ended).toEqual(tracks)
    expect(tracks.every((track) => track.closeCount === 1)).toBe(true)
    expect(states).toEqual(['idle>playing', 'playing>idle'])
    await player.close()
    expect((await iterator.next()).done).toBe(true)
  })

  it('skips to the next track and closes the skipped one', async () => {
    const player = new AudioPlayer()
    const first = new ConstantSource(1, 100)
    player.enqueue(first, new ConstantSource(2, 2))
    const iterator = player[Symbol.asyncIterator]()
    expect(await pull(iterator, 2)).toEqual([1, 1])
    expect(player.skip()).toBe(true)
    expect(first.closeCount).toBe(1)
    expect(await pull(iterator, 3)).toEqual([2, 2, 0])
    expect(player.skip()).toBe(false)
    await player.close()
  })

  it('play() replaces the current track but keeps the queue', async () => {
    const player = new AudioPlayer()
    player.enqueue(new ConstantSource(1, 100), new ConstantSource(3, 1))
    const iterator = player[Symbol.asyncIterator]()
    await pull(iterator, 1)
    player.play(new ConstantSource(2, 2))
    expect(await pull(iterator, 4)).toEqual([2, 2, 3, 0])
    await player.close()
  })

  it('pauses and resumes where it left off, with hold music while paused and idle', async () => {
    const player = new AudioPlayer({ holdMusic: () => new ConstantSource(9, 3) })
    const states = recordStates(player)
    const track = new ConstantSource(1, 4)
    const iterator = player[Symbol.asyncIterator]()
    expect(await pull(iterator, 2)).toEqual([9, 9])
    player.enqueue(track)
    expect(await pull(iterator, 2)).toEqual([1, 1])
    expect(player.pause()).toBe(true)
    expect(player.pause()).toBe(false)
    // Hold music continues from where it was interrupted, then loops via the factory.
    expect(await pull(iterator, 3)).toEqual([9, 9, 9])
    expect(track.framesYielded).toBe(2)
    expect(player.resume()).toBe(true)
    expect(await pull(iterator, 3)).toEqual([1, 1, 9])
    expect(states).toEqual(['idle>playing', 'playing>paused', 'paused>playing', 'playing>idle'])
    await player.close()
  })

  it('stop() clears the queue and closes every source; close() ends the player', async () => {
    const player = new AudioPlayer()
    const tracks = [new ConstantSource(1, 10), new ConstantSource(2, 10)]
    player.enqueue(...tracks)
    const iterator = player[Symbol.asyncIterator]()
    await pull(iterator, 1)
    player.stop()
    expect(player.state).toBe(AudioPlayerState.Idle)
    expect(player.queue).toHaveLength(0)
    await new Promise((resolve) => setImmediate(resolve))
    expect(tracks.map((track) => track.closeCount)).toEqual([1, 1])
    expect(await pull(iterator, 1)).toEqual([0])
    await player.close()
    expect((await iterator.next()).done).toBe(true)
    expect(() => player[Symbol.asyncIterator]()).toThrow(SourceAlreadyIteratedError)
  })

  it('applies volume to its output', async () => {
    const player = new AudioPlayer({ volume: 0.5 })
    player.enqueue(new ConstantSource(1000, 10))
    const iterator = player[Symbol.asyncIterator]()
    expect(await pull(iterator, 1)).toEqual([500])
    player.volume = 3
    expect(await pull(iterator, 1)).toEqual([3000])
    expect(() => (player.volume = -1)).toThrow(AudioOptionsError)
    await player.close()
  })

  it('reports a failing track and moves on', async () => {
    const player = new AudioPlayer()
    const errors: Error[] = []
    player.on('trackError', (error) => errors.push(error))
    player.enqueue(new FailingSource(new WavFormatError('bad file'), 1), new ConstantSource(4, 1))
    const iterator = player[Symbol.asyncIterator]()
    expect(await pull(iterator, 3)).toEqual([0, 4, 0])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(WavFormatError)
    await player.close()
  })

  it('entersState resolves on the target state and rejects on timeout', async () => {
    const player = new AudioPlayer()
    const playing = entersState(player, AudioPlayerState.Playing, 1000)
    player.enqueue(new ConstantSource(1, 1))
    await expect(playing).resolves.toBe(player)
    await expect(entersState(player, AudioPlayerState.Paused, 20)).rejects.toThrow()
    const controller = new AbortController()
    const aborted = entersState(player, AudioPlayerState.Paused, controller.signal)
    controller.abort(new Error('gave up'))
    await expect(aborted).rejects.toThrow('gave up')
    await player.close()
  })
})
