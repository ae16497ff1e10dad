// Interrupt controller device: device sources, routing, IPIs.
export { InterruptController, type IntcConfig, type SetCpuLine } from './intc.device.js';
export * from './intc.regs.js';
