/**
 * Workarounds for werift 0.25 behaviour that breaks tgcalls-style trickle ICE. Each one
 * reaches into werift's ICE agent through the narrowest typed view, so a werift upgrade
 * that renames the internals fails here, visibly, rather than silently.
 */
import type { Candidate, IceConnection } from 'werift'

interface AgentInternals {
  protocols: { localCandidate?: Candidate }[]
  pairLocalProtocol(protocol: { localCandidate?: Candidate }): void
}

/**
 * werift pairs a new host port with the remote candidates already known, but not a new TURN
 * allocation: remote candidates that arrived while the allocation was in flight would never
 * be checked from the relay port (fatal in relay-only calls). Pair them when our relay
 * candidate appears.
 */
export function pairLateRelayCandidate(connection: IceConnection, candidate: Candidate): void {
  const agent = connection as unknown as AgentInternals
  const protocol = agent.protocols.find((p) => p.localCandidate === candidate)
  if (protocol) agent.pairLocalProtocol(protocol)
}
