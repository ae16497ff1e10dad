// Interval timers (one channel per CPU) and real-time clock.
export { TimerDevice, type TimerConfig } from './timer.device.js';
export * from './timer.regs.js';
