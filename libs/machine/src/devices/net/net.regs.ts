// Network-interface register layout: re-exported from the board memory map.
export {
  NET,
  NET_ERROR,
  NET_IRQ,
  NET_REG,
  NET_RX_COMMAND,
  NET_STATUS,
  NET_TX_COMMAND,
  PHYS,
} from '../../board/memory-map.js';
