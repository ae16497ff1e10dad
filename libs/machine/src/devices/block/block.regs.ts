// Block-controller register layout: re-exported from the board memory map.
export {
  BLOCK,
  BLOCK_COMMAND,
  BLOCK_ERROR,
  BLOCK_IRQ,
  BLOCK_REG,
  BLOCK_STATUS,
  PHYS,
} from '../../board/memory-map.js';
