// What a shape started, undone in reverse order; one failing step does not stop the others.
export class CleanUp {
  private readonly steps: Array<{ what: string; run: () => Promise<unknown> }> = [];

  constructor(private readonly log: (message: string) => void) {}

  /** Registers an undo step; steps run last-in, first-out. */
  add(what: string, run: () => Promise<unknown>): void {
    this.steps.push({ what, run });
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (error) {
        this.log(`clean-up: ${step.what} failed: ${(error as Error).message}`);
      }
    }
  }
}
