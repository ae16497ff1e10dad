// Power controller: poweroff, reset, secondary-CPU start.
export { PowerDevice, type PowerConfig, type PowerKind } from './power.device.js';
export * from './power.regs.js';
