// Timer register layout: re-exported from the board memory map.
export {
  MACHINE,
  PHYS,
  TIMER_CHANNEL_REG,
  TIMER_CONTROL,
  TIMER_REG,
  TIMER_STATUS,
} from '../../board/memory-map.js';
