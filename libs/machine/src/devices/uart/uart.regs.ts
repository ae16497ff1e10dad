// UART register layout: re-exported from the board memory map.
export { PHYS, UART, UART_CONTROL, UART_REG, UART_STATUS } from '../../board/memory-map.js';
