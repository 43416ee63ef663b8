/**
 * Decides when the media path is up (tgcalls' Established, §7.1: ICE connected and
 * DTLS-SRTP up) and runs the watchdog: not up for `connectTimeoutMs` since start or since
 * the path was lost ⇒ timeout. A path that goes silent counts as lost: werift only notices
 * a vanished peer when ICE consent expires after 30 s, so anything heard on the selected
 * candidate pair (media, RTCP, STUN checks and their answers) is tracked, and
 * `silenceTimeoutMs` without it takes the path down until something arrives again. Muted
 * peers send no RTP (§4.5), but RTCP and STUN keep arriving.
 */
export interface ConnectionWatchEvents {
  up(): void
  down(): void
  timeout(): void
}

export class ConnectionWatch {
  private iceUp = false
  private secure = false
  private silent = false
  private lastHeardAt = 0
  private wasUp = false
  private watchdog: NodeJS.Timeout | undefined

  constructor(
    private readonly connectTimeoutMs: number,
    private readonly silenceTimeoutMs: number,
    private readonly events: ConnectionWatchEvents,
  ) {}

  start(): void {
    this.arm()
  }

  setIceUp(up: boolean): void {
    this.iceUp = up
    this.update()
  }

  setSecure(): void {
    this.secure = true
    this.update()
  }

  /** Called periodically: whether anything arrived on the selected pair since the last call. */
  heard(somethingNew: boolean, nowMs: number): void {
    if (somethingNew) {
      this.lastHeardAt = nowMs
      this.silent = false
    } else if (nowMs - this.lastHeardAt >= this.silenceTimeoutMs) {
      this.silent = true
    }
    this.update()
  }

  stop(): void {
    clearTimeout(this.watchdog)
    this.watchdog = undefined
  }

  private update(): void {
    const up = this.iceUp && this.secure && !this.silent
    if (up === this.wasUp) return
    this.wasUp = up
    if (up) {
      this.stop()
      this.events.up()
    } else {
      this.arm()
      this.events.down()
    }
  }

  private arm(): void {
    clearTimeout(this.watchdog)
    this.watchdog = setTimeout(() => this.events.timeout(), this.connectTimeoutMs)
  }
}
