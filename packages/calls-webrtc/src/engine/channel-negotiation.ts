/**
 * The `NegotiateChannels` exchanges of one call side (spec §4.6, §4.7): we offer our one
 * outgoing audio channel under a random exchangeId and apply the answer that echoes it;
 * every other NegotiateChannels is the peer's offer, which we answer with its exchangeId.
 * The caller offers at start; the callee offers right after answering the caller's offer
 * (rule 6), so two of our engines never collide, and glare with another peer follows rule 4.
 */
import { randomInt } from 'node:crypto'
import type { MediaContent, NegotiateChannelsMessage } from '../signaling/messages/types.js'

export interface ChannelNegotiationParty {
  /** Our current outgoing channels. */
  offerContents(): MediaContent[]
  /** Answers the peer's offer: the contents of our answer. */
  answer(offer: readonly MediaContent[]): MediaContent[]
  /** The peer answered our offer. */
  applyAnswer(answer: readonly MediaContent[]): void
  send(message: NegotiateChannelsMessage): void
}

export class ChannelNegotiation {
  private pendingOffer: number | undefined
  private answered = false

  constructor(
    private readonly isOutgoing: boolean,
    private readonly party: ChannelNegotiationParty,
  ) {}

  /** True once the peer answered one of our offers. */
  get outgoingNegotiated(): boolean {
    return this.answered
  }

  /** Sends an offer of our channels (the caller's first message after InitialSetup). */
  offer(): void {
    // Random non-zero uint32, never a counter that could overflow (§8.4).
    this.pendingOffer = randomInt(1, 0x1_0000_0000)
    this.party.send({ type: 'NegotiateChannels', exchangeId: this.pendingOffer, contents: this.party.offerContents() })
  }

  receive(message: NegotiateChannelsMessage): void {
    if (message.exchangeId === this.pendingOffer) {
      this.pendingOffer = undefined
      this.answered = true
      this.party.applyAnswer(message.contents)
      return
    }
    if (this.pendingOffer !== undefined) {
      // Glare (rule 4): the caller keeps its offer and ignores the peer's; the callee drops its own.
      if (this.isOutgoing) return
      this.pendingOffer = undefined
    }
    this.party.send({ type: 'NegotiateChannels', exchangeId: message.exchangeId, contents: this.party.answer(message.contents) })
    // Rule 5/6: our own offer follows our answer while our channel is not negotiated yet.
    if (!this.answered && this.pendingOffer === undefined) this.offer()
  }
}
