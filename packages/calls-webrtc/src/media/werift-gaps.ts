/**
 * Workarounds for werift 0.25 behaviour that breaks tgcalls-style trickle ICE or slows the
 * connection down. Each one reaches into werift through the narrowest typed view, so a
 * werift upgrade that renames the internals fails here, visibly, rather than silently.
 */
import { DtlsClient, type Candidate, type IceConnection, type RTCDtlsTransport } from 'werift'

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
