/**
 * Bringing a lost media path back (§7.2): after 2 s without it, restart ICE, then again at
 * most every 5 s while it stays down, as Web K does. tgcalls never restarts ICE itself but
 * applies a peer's restart (§5.2), so this works with every app. It recovers what checks on
 * the old credentials cannot: our address or NAT binding having changed. The 20 s watchdog
 * still ends a call whose path never comes back.
 */
export interface IceRecoveryTiming {
  /** How long the path must have been down before the first restart. */
  afterDownMs: number
  /** The least time between two restarts. */
  betweenRestartsMs: number
}

export const WEB_K_RECOVERY: IceRecoveryTiming = { afterDownMs: 2000, betweenRestartsMs: 5000 }

export class IceRecovery {
  private timer: NodeJS.Timeout | undefined
  private lastRestartAt = Number.NEGATIVE_INFINITY
  private restarts = 0

  /** `restart` returns whether it restarted (false before the first connection, or once closed). */
  constructor(
    private readonly restart: () => boolean,
    private readonly timing: IceRecoveryTiming = WEB_K_RECOVERY,
  ) {}

  get restartCount(): number {
    return this.restarts
  }

  pathDown(): void {
    if (this.timer) return
    const sincePrevious = performance.now() - this.lastRestartAt
    this.arm(Math.max(this.timing.afterDownMs, this.timing.betweenRestartsMs - sincePrevious))
  }

  pathUp(): void {
    this.stop()
  }

  stop(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(() => this.fire(), delayMs)
  }

  private fire(): void {
    if (this.restart()) {
      this.restarts++
      this.lastRestartAt = performance.now()
    }
    // Still down (pathUp() would have cleared the timer): try again later.
    this.arm(this.timing.betweenRestartsMs)
  }
}
