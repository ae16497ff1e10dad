// Console UART device.
export { UartDevice, type UartConfig } from './uart.device.js';
export * from './uart.regs.js';
