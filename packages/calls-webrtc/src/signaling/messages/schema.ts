import { z } from 'zod'

import type { MediaStateMessage, SignalingMessageType, VideoRotation, VideoState } from './types.js'

/*
 * Field rules of §4, as tgcalls parses: a missing required field, or a wrong type in any
 * present field, rejects the whole message; unknown keys are ignored (zod strips them).
 */

const UINT32_MAX = 0xffff_ffff

/** tgcalls writes ids and SSRCs as decimal strings and also accepts plain numbers. */
const decimalUint32 = z.union([
  z.string().regex(/^\d{1,10}$/).transform(Number),
  z.number().int(),
]).pipe(z.number().int().min(0).max(UINT32_MAX))

const nonNegativeInt = z.number().int().nonnegative()

const fingerprint = z.object({ hash: z.string(), setup: z.string(), fingerprint: z.string() })

const initialSetup = z.object({
  ufrag: z.string(),
  pwd: z.string(),
  // A non-boolean renomination is ignored rather than rejected (§4.2).
  renomination: z.unknown().transform(value => value === true),
  fingerprints: z.array(fingerprint),
})

const ssrcGroup = z.object({
  semantics: z.string(),
  // A group member that parses to 0 rejects the message (§4.3).
  ssrcs: z.array(decimalUint32.refine(ssrc => ssrc !== 0, 'an SSRC group member is 0')),
})

const payloadType = z.object({
  id: nonNegativeInt,
  name: z.string(),
  clockrate: nonNegativeInt,
  channels: nonNegativeInt.default(0),
  feedbackTypes: z.array(z.object({ type: z.string(), subtype: z.string() })).default([]),
  parameters: z.record(z.string(), z.string()).default({}),
})

const mediaContent = z.object({
  type: z.enum(['audio', 'video']),
  ssrc: decimalUint32,
  ssrcGroups: z.array(ssrcGroup).default([]),
  payloadTypes: z.array(payloadType).default([]),
  rtpExtensions: z.array(z.object({ id: nonNegativeInt, uri: z.string() })).default([]),
})

const negotiateChannels = z.object({
  exchangeId: decimalUint32,
  contents: z.array(mediaContent).default([]),
})

const candidates = z.object({
  candidates: z.array(z.object({ sdpString: z.string() })),
})

const VIDEO_STATES: readonly VideoState[] = ['inactive', 'suspended', 'active']
const VIDEO_ROTATIONS: readonly VideoRotation[] = [0, 90, 180, 270]

/** An unknown state string is treated as inactive (§4.5). */
const videoState = z.string().transform((value): VideoState =>
  (VIDEO_STATES as readonly string[]).includes(value) ? (value as VideoState) : 'inactive')

const mediaState = z.object({
  muted: z.boolean().default(false),
  lowBattery: z.boolean().default(false),
  videoState: videoState.default('inactive'),
  screencastState: videoState.default('inactive'),
  videoRotation: z.number().transform((value): VideoRotation =>
    (VIDEO_ROTATIONS as readonly number[]).includes(value) ? (value as VideoRotation) : 0).default(0),
}) satisfies z.ZodType<Omit<MediaStateMessage, 'type'>>

/** One schema per known `@type`; the parsed object lacks only the `type` discriminator. */
export const MESSAGE_SCHEMAS = {
  InitialSetup: initialSetup,
  NegotiateChannels: negotiateChannels,
  Candidates: candidates,
  MediaState: mediaState,
} satisfies Record<SignalingMessageType, z.ZodType>
