// The shelf by the kitchen door: a kitchen puts an order there when it is ready, the courier
// takes it. It stands for the physical handover, which no API carries: a courier cannot see a
// kitchen ticket, and picking up food still on the stove would be a lie the demo should not tell.

/** Orders no courier came for (cancelled on the way, say) are forgotten past this many. */
const CAPACITY = 1_000;

export class PickupShelf {
  private readonly ready = new Set<string>();

  put(orderId: string): void {
    this.ready.add(orderId);
    // A Set iterates in insertion order: the first entry is the one that has waited longest.
    for (const oldest of this.ready) {
      if (this.ready.size <= CAPACITY) break;
      this.ready.delete(oldest);
    }
  }

  /** Takes the order off the shelf: true when it was there. */
  take(orderId: string): boolean {
    return this.ready.delete(orderId);
  }
}
