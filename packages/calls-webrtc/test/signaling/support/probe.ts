import type { CustomParameters, SignalingError, SignalingMessage, SignalingVersion } from '../../../src/index.js'
import { SignalingChannel } from '../../../src/index.js'

/** A channel with everything it emits recorded. */
export interface Probe {
  channel: SignalingChannel
  blobs: Uint8Array[]
  messages: SignalingMessage[]
  errors: SignalingError[]
}

export function probe(key: Uint8Array, isOutgoing: boolean, version: SignalingVersion, customParameters: CustomParameters = {}): Probe {
  const channel = new SignalingChannel({ key, isOutgoing, version, customParameters })
  const p: Probe = { channel, blobs: [], messages: [], errors: [] }
  channel.on('outgoingBlob', b => p.blobs.push(b))
  channel.on('message', m => p.messages.push(m))
  channel.on('error', e => p.errors.push(e))
  return p
}
