/**
 * Process-wide server config (`phone.getCallConfig` JSON, spec §14). Only numbers and
 * booleans are passed on; a key of any other type keeps its default, as the reference
 * does.
 */
import { InvalidArgumentError } from './errors.js'
import { loadAddon } from './native/native-addon.js'

export interface BitrateConfig {
  initBitrate?: number
  maxBitrate?: number
  minBitrate?: number
  decreaseStep?: number
  increaseStep?: number
}

let current: Record<string, number | boolean> = {}

function usableValues(source: Record<string, unknown>): Record<string, number | boolean> {
  const values: Record<string, number | boolean> = {}
  for (const [key, value] of Object.entries(source)) {
    if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') values[key] = value
  }
  return values
}

export class VoIPServerConfig {
  /** Replaces the config with a JSON string or an already parsed object. */
  static setConfig(json: string | Record<string, unknown>): void {
    let parsed: unknown = json
    if (typeof json === 'string') {
      try {
        parsed = JSON.parse(json)
      } catch (error) {
        throw new InvalidArgumentError(`server config is not valid JSON: ${(error as Error).message}`)
      }
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new InvalidArgumentError('server config must be a JSON object')
    }
    current = usableValues(parsed as Record<string, unknown>)
    loadAddon().setServerConfig(current)
  }

  /** Sets the bitrate keys on top of the current config. */
  static setBitrateConfig({
    initBitrate = 16000,
    maxBitrate = 20000,
    minBitrate = 8000,
    decreaseStep = 1000,
    increaseStep = 1000,
  }: BitrateConfig = {}): void {
    for (const [name, value] of Object.entries({ initBitrate, maxBitrate, minBitrate, decreaseStep, increaseStep })) {
      if (!Number.isInteger(value) || value <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`)
    }
    if (minBitrate > maxBitrate || initBitrate < minBitrate || initBitrate > maxBitrate) {
      throw new InvalidArgumentError('bitrates must satisfy min <= init <= max')
    }
    current = {
      ...current,
      audio_init_bitrate: initBitrate,
      audio_max_bitrate: maxBitrate,
      audio_min_bitrate: minBitrate,
      audio_bitrate_step_decr: decreaseStep,
      audio_bitrate_step_incr: increaseStep,
    }
    loadAddon().setServerConfig(current)
  }

  /** The values currently in effect (defaults are not listed). */
  static get(): Readonly<Record<string, number | boolean>> {
    return { ...current }
  }
}
