// Interrupt-controller register layout: re-exported from the board memory map.
export {
  CPU_IRQ_LINE,
  INTC,
  INTC_CPU_REG,
  INTC_REG,
  IRQ_SOURCE,
  MACHINE,
  PHYS,
} from '../../board/memory-map.js';
