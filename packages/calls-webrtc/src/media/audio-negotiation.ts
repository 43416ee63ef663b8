/**
 * Audio channels of `NegotiateChannels` (§4.3, §4.6): every channel is one direction,
 * identified by its sender's SSRC. We offer our one outgoing Opus channel; we answer the
 * peer's offer by echoing its SSRC with its Opus payload type; the peer's answer tells
 * whether (and with which payload type) we may send. No RTP header extensions and no RTCP
 * feedback types are offered or accepted: both are optional (§5.4), and accepting
 * transport-cc without sending its feedback would starve the peer's bandwidth estimator.
 */
import { InvalidMediaParameterError } from './media-errors.js'
import type { MediaContent, PayloadType } from './media-params.js'

/** PT 111 in every tgcalls build seen (§4.6). */
export const OPUS_PAYLOAD_TYPE = 111
const OPUS_CLOCK_RATE = 48_000
const OPUS_PARAMETERS: Readonly<Record<string, string>> = { minptime: '10', useinbandfec: '1' }

/** One negotiated direction: whose SSRC, which payload type. */
export interface AudioChannel {
  ssrc: number
  payloadType: number
}

/** SSRCs travel as decimal strings; numbers are tolerated (§4.3). */
export function parseSsrc(value: unknown): number {
  const text = typeof value === 'number' ? String(value) : value
  if (typeof text !== 'string' || !/^\d{1,10}$/.test(text)) throw new InvalidMediaParameterError(`bad ssrc: ${String(value)}`)
  const ssrc = Number(text)
  if (ssrc === 0 || ssrc > 0xffff_ffff) throw new InvalidMediaParameterError(`ssrc out of range: ${text}`)
  return ssrc
}

function opusOf(content: MediaContent): PayloadType | undefined {
  return content.payloadTypes?.find(
    (pt) => typeof pt?.name === 'string' && pt.name.toLowerCase() === 'opus' && pt.clockrate === OPUS_CLOCK_RATE,
  )
}

function opusPayloadType(id: number): PayloadType {
  return { id, name: 'opus', clockrate: OPUS_CLOCK_RATE, channels: 2, parameters: { ...OPUS_PARAMETERS } }
}

/** The content offering our outgoing audio (sender SSRC `ssrc`). */
export function audioOffer(ssrc: number): MediaContent {
  return { type: 'audio', ssrc: String(ssrc), payloadTypes: [opusPayloadType(OPUS_PAYLOAD_TYPE)], rtpExtensions: [] }
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
    const ssrc = parseSsrc(content.ssrc)
    const answer: MediaContent = { type: 'audio', ssrc: content.ssrc, payloadTypes: [opusPayloadType(opus.id)], rtpExtensions: [] }
    if (content.ssrcGroups?.length) answer.ssrcGroups = content.ssrcGroups
    return { answer: [answer], incoming: { ssrc, payloadType: opus.id } }
  }
  return { answer: [] }
}

/** The outgoing channel the peer's answer accepted, if it kept our SSRC and Opus (§4.6 rule 2). */
export function acceptedOutgoing(answer: readonly MediaContent[], ssrc: number): AudioChannel | undefined {
  for (const content of answer) {
    if (content?.type !== 'audio' || parseSsrc(content.ssrc) !== ssrc) continue
    const opus = opusOf(content)
    if (opus && Number.isInteger(opus.id) && opus.id >= 0 && opus.id <= 127) return { ssrc, payloadType: opus.id }
  }
  return undefined
}
