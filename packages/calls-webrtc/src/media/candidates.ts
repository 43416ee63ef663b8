/**
 * ICE candidates as the `Candidates` message carries them (§4.4): parse and filter the
 * peer's, format ours. Only UDP component-1 candidates with an IP literal are usable here:
 * `.reflector` hostnames need Telegram's reflector protocol (§6.2, not implemented),
 * `.local` ones would make werift send mDNS queries, and werift has no ICE-TCP towards
 * tgcalls.
 */
import { isIP } from 'node:net'
import { Candidate } from 'werift'
import { InvalidMediaParameterError } from './media-errors.js'
import type { IceCandidate } from '../signaling/messages/types.js'

const PREFIX = 'candidate:'
const MAX_SDP_LENGTH = 1024

export type CandidateVerdict = { usable: true; candidate: Candidate } | { usable: false; reason: string }

/** Parses one signaled candidate; throws InvalidMediaParameterError if it is not a candidate at all. */
export function parseRemoteCandidate(signaled: IceCandidate): CandidateVerdict {
  const sdp = signaled?.sdpString
  if (typeof sdp !== 'string' || sdp.length > MAX_SDP_LENGTH) {
    throw new InvalidMediaParameterError('candidate sdpString must be a string of at most 1024 characters')
  }
  const body = sdp.startsWith(PREFIX) ? sdp.slice(PREFIX.length) : sdp
  const fields = body.trim().split(/\s+/)
  if (fields.length < 8 || fields[6] !== 'typ') throw new InvalidMediaParameterError(`not an ICE candidate: ${sdp.slice(0, 80)}`)
  let candidate: Candidate
  try {
    candidate = Candidate.fromSdp(body.trim())
  } catch {
    throw new InvalidMediaParameterError(`not an ICE candidate: ${sdp.slice(0, 80)}`)
  }
  if (candidate.component !== 1) return { usable: false, reason: `component ${candidate.component}` }
  if (candidate.transport.toLowerCase() !== 'udp') return { usable: false, reason: `${candidate.transport} candidate` }
  if (isIP(candidate.host) === 0) return { usable: false, reason: `hostname ${candidate.host}` }
  if (!Number.isInteger(candidate.port) || candidate.port <= 0 || candidate.port > 65535) {
    throw new InvalidMediaParameterError(`candidate port out of range: ${sdp.slice(0, 80)}`)
  }
  if (!['host', 'srflx', 'prflx', 'relay'].includes(candidate.type)) {
    return { usable: false, reason: `type ${candidate.type}` }
  }
  // A candidate's generation counts its own side's ICE restarts, but werift nominates a pair
  // only if the remote candidate's generation equals werift's own: after a restart on one
  // side only (the way restarts go with tgcalls, §5.2) no pair would ever be selected.
  candidate.generation = undefined
  return { usable: true, candidate }
}

/**
 * Our candidate as tgcalls expects it. A relay-only call does not reveal the local
 * address behind the relay (libwebrtc blanks it the same way, §5.2).
 */
export function formatLocalCandidate(candidate: Candidate, hideRelatedAddress: boolean): IceCandidate {
  const line = candidate.toSdp()
  const sdp = hideRelatedAddress ? line.replace(/ raddr \S+ rport \d+/, ' raddr 0.0.0.0 rport 0') : line
  return { sdpString: sdp.startsWith(PREFIX) ? sdp : PREFIX + sdp }
}
