import { z } from 'zod'

import { SignalingMessageError } from '../errors.js'
import { json11Stringify } from './json11.js'
import type { JsonValue } from './json11.js'
import { MESSAGE_SCHEMAS } from './schema.js'
import type { MediaContent, PayloadType, SignalingMessage, SignalingMessageType } from './types.js'

const utf8Decoder = new TextDecoder('utf-8', { fatal: true })
const utf8Encoder = new TextEncoder()

function isKnownType(type: string): type is SignalingMessageType {
  return Object.hasOwn(MESSAGE_SCHEMAS, type)
}

/**
 * Parses one message's JSON bytes. Returns `null` for a well-formed message of a type we do
 * not know (§4.1: ignored); throws `SignalingMessageError` for anything malformed.
 */
export function decodeMessage(bytes: Uint8Array): SignalingMessage | null {
  let json: unknown
  try {
    json = JSON.parse(utf8Decoder.decode(bytes))
  } catch (err) {
    throw new SignalingMessageError('message is not UTF-8 JSON', undefined, { cause: err })
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SignalingMessageError('message is not a JSON object', undefined)
  }
  const type: unknown = (json as Record<string, unknown>)['@type']
  if (typeof type !== 'string') throw new SignalingMessageError('message has no string "@type"', undefined)
  if (!isKnownType(type)) return null
  const parsed = MESSAGE_SCHEMAS[type].safeParse(json)
  if (!parsed.success) {
    throw new SignalingMessageError(`invalid ${type}: ${z.prettifyError(parsed.error)}`, type, { cause: parsed.error })
  }
  return { type, ...parsed.data } as SignalingMessage
}

function payloadTypeJson(pt: PayloadType): JsonValue {
  return {
    id: pt.id,
    name: pt.name,
    clockrate: pt.clockrate,
    channels: pt.channels,
    feedbackTypes: pt.feedbackTypes.map(fb => ({ type: fb.type, subtype: fb.subtype })),
    parameters: { ...pt.parameters },
  }
}

function mediaContentJson(content: MediaContent): JsonValue {
  const json: Record<string, JsonValue> = {
    type: content.type,
    ssrc: String(content.ssrc),
    // tgcalls always writes the extension list, but omits empty groups and payload types.
    rtpExtensions: content.rtpExtensions.map(ext => ({ id: ext.id, uri: ext.uri })),
  }
  if (content.ssrcGroups.length > 0) {
    json.ssrcGroups = content.ssrcGroups.map(group => ({ semantics: group.semantics, ssrcs: group.ssrcs.map(String) }))
  }
  if (content.payloadTypes.length > 0) json.payloadTypes = content.payloadTypes.map(payloadTypeJson)
  return json
}

/** The message as the JSON object tgcalls would write (§4.2–4.5). */
export function messageToJson(message: SignalingMessage): Record<string, JsonValue> {
  switch (message.type) {
    case 'InitialSetup':
      return {
        '@type': 'InitialSetup',
        ufrag: message.ufrag,
        pwd: message.pwd,
        renomination: message.renomination,
        fingerprints: message.fingerprints.map(fp => ({ hash: fp.hash, setup: fp.setup, fingerprint: fp.fingerprint })),
      }
    case 'NegotiateChannels':
      return {
        '@type': 'NegotiateChannels',
        exchangeId: String(message.exchangeId),
        contents: message.contents.map(mediaContentJson),
      }
    case 'Candidates':
      return { '@type': 'Candidates', candidates: message.candidates.map(c => ({ sdpString: c.sdpString })) }
    case 'MediaState':
      // All five keys, always: old builds read the rotation through the videoState entry (§4.5).
      return {
        '@type': 'MediaState',
        muted: message.muted,
        lowBattery: message.lowBattery,
        videoState: message.videoState,
        screencastState: message.screencastState,
        videoRotation: message.videoRotation,
      }
  }
}

/** The message's UTF-8 JSON text, byte for byte as tgcalls (json11) would serialize it. */
export function encodeMessage(message: SignalingMessage): Uint8Array {
  return utf8Encoder.encode(json11Stringify(messageToJson(message)))
}
