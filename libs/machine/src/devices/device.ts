// The one interface every memory-mapped device implements. The board (board/) gives each
// device its base address and interrupt line; a device never chooses them itself.

/** A device's view of the interrupt controller: raise or lower its own line. */
export interface IrqLine {
  set(asserted: boolean): void;
}

export interface MmioDevice {
  /** Short stable name, used in the board description and in logs. */
  readonly name: string;
  /** Size in bytes of the device's register window (a multiple of 4). */
  readonly size: number;
  /** Read the 32-bit register at `offset` (word aligned, relative to the device base). */
  read32(offset: number): number;
  /** Write the 32-bit register at `offset` (word aligned, relative to the device base). */
  write32(offset: number, value: number): void;
  /** Return to the power-on state. */
  reset(): void;
  /**
   * Called by the machine between quanta with the current machine time in cycles.
   * Returns the number of cycles until the device next needs a tick (Infinity if never).
   */
  tick?(nowCycles: number): number;
}
