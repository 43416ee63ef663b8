import { readFile } from 'node:fs/promises'

import { analyzeTone, decodeWav } from '@tgvoip/calls-audio'

/** Reads a recorded WAV and measures the dominant frequency of its middle part. */
export async function measureWav(path: string): Promise<{ seconds: number; sampleRate: number; frequency: number | null; dbfs: number }> {
  const { header, channels } = decodeWav(await readFile(path))
  const samples = channels[0]!
  // Skip the start (silence until the jitter buffer filled) and the end (hang-up).
  const middle = samples.subarray(Math.floor(samples.length * 0.3), Math.floor(samples.length * 0.9))
  const { frequency, dbfs } = analyzeTone(middle, { sampleRate: header.sampleRate })
  return { seconds: samples.length / header.sampleRate, sampleRate: header.sampleRate, frequency, dbfs }
}
