/**
 * Workarounds for werift 0.25 behaviour that breaks tgcalls-style trickle ICE or slows the
 * connection down. Each one reaches into werift through the narrowest typed view, so a
 * werift upgrade that renames the internals fails here, visibly, rather than silently.
 */
import { DtlsClient, type Candidate, type IceConnection, type RTCDtlsTransport } from 'werift'

interface CheckInternals {
  checkStart(pair: NonNullable<IceConnection['nominated']>): NonNullable<IceConnection['nominated']>['handle']
}

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

/**
 * werift's DTLS client waits a fixed 100 ms after ICE before its ClientHello, so that a
 * server in the same process has time to start listening: a third of the whole connect
 * time on loopback. Our server side listens before its ICE is up (see WebRtcMediaTransport),
 * so the client says hello as soon as its own ICE is up, as libwebrtc does; werift's
 * delayed second hello is turned into a no-op. Call only once ICE is connected.
 */
export function startDtlsClientNow(dtls: RTCDtlsTransport): Promise<void> {
  const started = dtls.start()
  const client = dtls.dtls
  if (!(client instanceof DtlsClient)) {
    started.catch(() => undefined) // the error below is the one the call reports
    throw new TypeError(`expected werift's DTLS client, not ${client?.constructor.name}`)
  }
  const hello = client.connect.bind(client)
  client.connect = () => Promise.resolve()
  // The hello's promise settles only when its retransmission timer (0.5 s) runs out: only
  // its failure matters here.
  return new Promise((resolve, reject) => {
    hello().catch(reject)
    started.then(resolve, reject)
  })
}

/**
 * werift applies a peer's new ICE credentials only by restarting its own agent, which
 * changes ours too; a tgcalls peer keeps its own (§5.2), and two agents that each answer a
 * restart with one of their own never settle. So the peer's credentials go straight into
 * the agent and the selected pair is dropped, so that the checks on the new credentials
 * select one. The controlled side selects when the peer's checks nominate; as the
 * controlling side we must nominate, and a pair that already succeeded is never checked
 * again by itself: the previous pair is checked once more, nominating it (werift nominates
 * on every check it sends as controlling). New paths come with the peer's new candidates.
 */
export function applyPeerIceCredentials(connection: IceConnection, usernameFragment: string, password: string): void {
  const previous = connection.nominated
  connection.resetNominatedPair()
  connection.setRemoteParams({ iceLite: false, usernameFragment, password })
  if (previous && connection.iceControlling) previous.handle = (connection as unknown as CheckInternals).checkStart(previous)
}
