/**
 * Audio channels of `NegotiateChannels` (§4.3, §4.6): every channel is one direction,
 * identified by its sender's SSRC. We offer our one outgoing Opus channel; we answer the
 * peer's offer by echoing its SSRC with its Opus payload type; the peer's answer tells
 * whether (and with which payload type) we may send. No RTP header extensions and no RTCP
 * feedback types are offered or accepted: both are optional (§5.4), and accepting
 * transport-cc without sending its feedback would starve the peer's bandwidth estimator.
 */
import { InvalidMediaParameterError } from './media-errors.js'
import type { MediaContent, PayloadType } from '../signaling/messages/types.js'

/** PT 111 in every tgcalls build seen (§4.6). */
export const OPUS_PAYLOAD_TYPE = 111
const OPUS_CLOCK_RATE = 48_000
const OPUS_PARAMETERS: Readonly<Record<string, string>> = { minptime: '10', useinbandfec: '1' }

/** One negotiated direction: whose SSRC, which payload type. */
export interface AudioChannel {
  ssrc: number
  payloadType: number
}

/**
 * The signaling codec has already checked SSRCs of decoded messages; this guards contents
 * handed to the transport directly.
 */
export function checkSsrc(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > 0xffff_ffff) {
    throw new InvalidMediaParameterError(`ssrc must be a uint32 above 0 (got ${String(value)})`)
  }
  return value
}

function opusOf(content: MediaContent): PayloadType | undefined {
  return content.payloadTypes?.find(
    (pt) => typeof pt?.name === 'string' && pt.name.toLowerCase() === 'opus' && pt.clockrate === OPUS_CLOCK_RATE,
  )
}

function opusPayloadType(id: number): PayloadType {
  return { id, name: 'opus', clockrate: OPUS_CLOCK_RATE, channels: 2, feedbackTypes: [], parameters: { ...OPUS_PARAMETERS } }
}

/** The content offering our outgoing audio (sender SSRC `ssrc`). */
export function audioOffer(ssrc: number): MediaContent {
  return { type: 'audio', ssrc, ssrcGroups: [], payloadTypes: [opusPayloadType(OPUS_PAYLOAD_TYPE)], rtpExtensions: [] }
}

/**
 * Answers the peer's offer: accepts its first audio channel that carries Opus, with its
 * payload type. Returns the answer's contents and the channel we will receive on (none if
 * the offer had no usable audio, and then the peer will not send audio).
 */
export function answerAudioOffer(offer: readonly MediaContent[]): { answer: MediaContent[]; incoming?: AudioChannel } {
  for (const content of offer) {
    if (content?.type !== 'audio') continue
    const opus = opusOf(content)
    if (!opus || !Number.isInteger(opus.id) || opus.id < 0 || opus.id > 127) continue
    const ssrc = checkSsrc(content.ssrc)
    const answer: MediaContent = { type: 'audio', ssrc, ssrcGroups: content.ssrcGroups ?? [], payloadTypes: [opusPayloadType(opus.id)], rtpExtensions: [] }
    return { answer: [answer], incoming: { ssrc, payloadType: opus.id } }
  }
  return { answer: [] }
}

/** The outgoing channel the peer's answer accepted, if it kept our SSRC and Opus (§4.6 rule 2). */
export function acceptedOutgoing(answer: readonly MediaContent[], ssrc: number): AudioChannel | undefined {
  for (const content of answer) {
    if (content?.type !== 'audio' || checkSsrc(content.ssrc) !== ssrc) continue
    const opus = opusOf(content)
    if (opus && Number.isInteger(opus.id) && opus.id >= 0 && opus.id <= 127) return { ssrc, payloadType: opus.id }
  }
  return undefined
}
