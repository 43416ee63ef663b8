import { EngineThreads, InvalidArgumentError } from '@tgvoip/calls-native'
import { afterEach, describe, expect, it } from 'vitest'
import { NativeCallEngine } from '../src/index.js'

describe('NativeCallEngine engineThreads', () => {
  const before = EngineThreads.count
  afterEach(() => EngineThreads.set(before))

  it('sets the process-wide engine thread count', () => {
    new NativeCallEngine({ engineThreads: 1 })
    expect(EngineThreads.count).toBe(1)
    new NativeCallEngine({ engineThreads: 3 })
    expect(EngineThreads.count).toBe(3)
  })

  it('rejects a count outside 1..max with InvalidArgumentError and keeps the current one', () => {
    expect(() => new NativeCallEngine({ engineThreads: 0 })).toThrow(InvalidArgumentError)
    expect(() => new NativeCallEngine({ engineThreads: 2.5 })).toThrow(InvalidArgumentError)
    expect(EngineThreads.count).toBe(before)
  })
})
