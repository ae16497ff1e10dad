// Network interface device with DMA.
export { DEFAULT_MAC, NetDevice, type NetConfig, type NetStats } from './net.device.js';
export * from './net.regs.js';
