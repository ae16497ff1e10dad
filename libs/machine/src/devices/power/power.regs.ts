// Power-controller register layout: re-exported from the board memory map.
export {
  MACHINE,
  PHYS,
  POWER_CPU_STATE,
  POWER_REG,
  POWER_START_REG,
} from '../../board/memory-map.js';
