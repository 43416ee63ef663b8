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

/** What `setConfig` last set (normally Telegram's `phone.getCallConfig`). */
let fromServer: Record<string, number | boolean> = {}
/**
 * What `setBitrateConfig` set. Kept apart so that it survives `setConfig`: the calls
 * plugin applies Telegram's config at every call, and a bot's own bitrate choice must not
 * be lost to that.
 */
let bitrateOverrides: Record<string, number> = {}

function apply(): void {
  loadAddon().setServerConfig({ ...fromServer, ...bitrateOverrides })
}

function usableValues(source: Record<string, unknown>): Record<string, number | boolean> {
  const values: Record<string, number | boolean> = {}
  for (const [key, value] of Object.entries(source)) {
    if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') values[key] = value
  }
  return values
}

export class VoIPServerConfig {
  /**
   * Replaces the config with a JSON string or an already parsed object. Bitrates set with
   * `setBitrateConfig` stay in effect on top of it.
   */
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
    fromServer = usableValues(parsed as Record<string, unknown>)
    apply()
  }

  /**
   * Sets the bitrate keys on top of the server config, for every call from now on (until
   * `resetBitrateConfig`); later `setConfig` calls do not undo it.
   */
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
    bitrateOverrides = {
      audio_init_bitrate: initBitrate,
      audio_max_bitrate: maxBitrate,
      audio_min_bitrate: minBitrate,
      audio_bitrate_step_decr: decreaseStep,
      audio_bitrate_step_incr: increaseStep,
    }
    apply()
  }

  /** Drops what `setBitrateConfig` set: the server config's bitrates (or the defaults) apply again. */
  static resetBitrateConfig(): void {
    bitrateOverrides = {}
    apply()
  }

  /** The values currently in effect (defaults are not listed). */
  static get(): Readonly<Record<string, number | boolean>> {
    return { ...fromServer, ...bitrateOverrides }
  }
}
