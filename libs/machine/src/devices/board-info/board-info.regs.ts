// board-info register layout: re-exported from the board memory map (the one source of truth).
export {
  BOARD_INFO,
  BOARD_INFO_REG,
  DEVICE_COUNT,
  DEVICE_ID,
  INTC,
  PHYS,
} from '../../board/memory-map.js';
