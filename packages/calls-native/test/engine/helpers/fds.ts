/** Counting this process's open descriptors, for the leak checks. */
import { readdirSync } from 'node:fs'
import { expect } from 'vitest'
import { sleep } from './call-pair.js'

export const openFds = (): number => readdirSync('/proc/self/fd').length

/** Sockets close on the engine thread shortly after destroy(): poll for the baseline. */
export async function expectFdsBackTo(baseline: number): Promise<void> {
  for (let i = 0; i < 50 && openFds() > baseline; i++) await sleep(20)
  expect(openFds()).toBeLessThanOrEqual(baseline)
}
