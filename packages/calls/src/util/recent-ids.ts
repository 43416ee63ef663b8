/**
 * A bounded set remembering the most recent ids, so late or duplicated updates for calls
 * that already finished are ignored without growing memory forever.
 */
export class RecentIds {
  private readonly ids = new Set<bigint>()

  constructor(private readonly capacity: number) {}

  add(id: bigint): void {
    this.ids.delete(id)
    this.ids.add(id)
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value
      if (oldest !== undefined) this.ids.delete(oldest)
    }
  }

  has(id: bigint): boolean {
    return this.ids.has(id)
  }
}
