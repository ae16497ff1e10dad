// board-info device: read-only board description.
export { BoardInfoDevice, type BoardInfoConfig } from './board-info.device.js';
export * from './board-info.regs.js';
