/**
 * The DTLS handshake starts the moment ICE is up (werift's own client waits 100 ms first):
 * the server listens before its ICE is up, and the client sends its hello once, not again
 * when werift's delayed start fires.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { MediaTransportState, type WebRtcMediaTransport } from '../../src/media/index.js'
import { sleep, whenState } from './audio.js'
import { createPair, type CallPair } from './pair.js'

const DTLS_HANDSHAKE_RECORD = 22
const CLIENT_HELLO = 1
/** Record header (13 bytes) then the handshake header, whose first byte is the message type. */
const HANDSHAKE_TYPE_OFFSET = 13

interface IceSend {
  gatherer: { connection: { send(data: Buffer): Promise<void> } }
}

/** Counts the ClientHello records the transport sends over its ICE connection. */
function countClientHellos(transport: WebRtcMediaTransport): () => number {
  const connection = (transport as unknown as IceSend).gatherer.connection
  const send = connection.send.bind(connection)
  let hellos = 0
  connection.send = (data: Buffer) => {
    if (data[0] === DTLS_HANDSHAKE_RECORD && data[HANDSHAKE_TYPE_OFFSET] === CLIENT_HELLO) hellos++
    return send(data)
  }
  return () => hellos
}

let pair: CallPair | undefined
afterEach(async () => {
  await pair?.close()
  pair = undefined
})

describe('DTLS start', () => {
  it('says hello once (and once more with the cookie), with no retransmission and no second hello', async () => {
    pair = await createPair()
    const hellos = countClientHellos(pair.caller)
    const calleeHellos = countClientHellos(pair.callee)
    await Promise.all([whenState(pair.caller, MediaTransportState.Connected), whenState(pair.callee, MediaTransportState.Connected)])
    // Past werift's delayed start (100 ms) and its first retransmission (500 ms).
    await sleep(700)
    expect(hellos()).toBe(2)
    expect(calleeHellos()).toBe(0)
    expect(pair.caller.stats().dtlsRole).toBe('client')
    expect(pair.caller.state).toBe(MediaTransportState.Connected)
  })
})
