/**
 * Two transports of one call in one process, wired to each other's parameters directly, as
 * the signaling layer would after exchanging InitialSetup, NegotiateChannels and Candidates
 * (§4.7), minus the encryption.
 */
import { MediaTransportState, WebRtcMediaTransport, type MediaTransportOptions } from '../../src/media/index.js'

export interface CallPair {
  caller: WebRtcMediaTransport
  callee: WebRtcMediaTransport
  close(): Promise<void>
}

type SideOptions = Omit<MediaTransportOptions, 'isOutgoing'>

export async function createPair(options: SideOptions = { loopback: true }, calleeOptions: SideOptions = options): Promise<CallPair> {
  const caller = await WebRtcMediaTransport.create({ ...options, isOutgoing: true })
  const callee = await WebRtcMediaTransport.create({ ...calleeOptions, isOutgoing: false })
  // Signaling to a side that has hung up goes nowhere.
  caller.on('candidate', (c) => callee.state !== MediaTransportState.Closed && callee.addRemoteCandidate(c))
  callee.on('candidate', (c) => caller.state !== MediaTransportState.Closed && caller.addRemoteCandidate(c))
  // Caller: InitialSetup + offer O1; callee: its InitialSetup, answer A1, offer O2; caller: answer A2.
  callee.setRemoteSetup(caller.localSetup)
  caller.applyRemoteAnswer(callee.answerRemoteOffer([caller.localAudioContent]))
  caller.setRemoteSetup(callee.localSetup)
  callee.applyRemoteAnswer(caller.answerRemoteOffer([callee.localAudioContent]))
  caller.start()
  callee.start()
  return {
    caller,
    callee,
    close: async () => {
      await Promise.all([caller.close(), callee.close()])
    },
  }
}
