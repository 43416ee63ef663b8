/** Typed errors of the codec classes (`@tgvoip/calls-native/codec`). */
import { InvalidArgumentError, VoIPError } from '../errors.js'

/** libopus refused an operation; `opusCode` is its (negative) error code. */
export class CodecError extends VoIPError {
  override name = 'CodecError'
  constructor(
    message: string,
    readonly opusCode: number,
  ) {
    super(message)
  }
}

/** A packet handed to the decoder is not a valid Opus packet. */
export class CorruptPacketError extends CodecError {
  override name = 'CorruptPacketError'
}

/** The encoder, decoder or jitter buffer was used after close(). */
export class CodecClosedError extends VoIPError {
  override name = 'CodecClosedError'
}

const OPUS_INVALID_PACKET = -4

/**
 * Runs one native codec call. The wrappers check arguments and closed state first, so what
 * the addon still throws is libopus failing (its code rides on the error).
 */
export function callCodec<T>(what: string, call: () => T, packetInput = false): T {
  try {
    return call()
  } catch (err) {
    throw typedCodecError(what, err, packetInput)
  }
}

function typedCodecError(what: string, err: unknown, packetInput: boolean): unknown {
  const code = (err as { opusCode?: unknown }).opusCode
  if (typeof code !== 'number') return err
  const message = `${what}: ${(err as Error).message}`
  return packetInput && code === OPUS_INVALID_PACKET ? new CorruptPacketError(message, code) : new CodecError(message, code)
}

export function checkPcmFrame(pcm: unknown, samples: number): asserts pcm is Int16Array {
  if (!(pcm instanceof Int16Array)) throw new InvalidArgumentError('pcm must be an Int16Array')
  if (pcm.length !== samples) throw new InvalidArgumentError(`pcm must be ${samples} samples (got ${pcm.length})`)
}

export function checkPacket(packet: unknown, name = 'packet'): asserts packet is Uint8Array {
  if (!(packet instanceof Uint8Array)) throw new InvalidArgumentError(`${name} must be a Uint8Array`)
  if (packet.length === 0) throw new InvalidArgumentError(`${name} is empty`)
}

export function checkInteger(value: unknown, name: string, min: number, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max} (got ${String(value)})`)
  }
}
