/**
 * Undo steps registered as things start, run newest first, so a run that fails halfway
 * still stops what it started. A failing step does not keep the others from running.
 */
export class Teardown {
  readonly #steps: Array<{ label: string; run: () => unknown }> = [];

  defer(label: string, run: () => unknown): void {
    this.#steps.push({ label, run });
  }

  async run(): Promise<void> {
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (error) {
        console.error(`stopping ${step.label} failed:`, error);
      }
    }
  }
}
