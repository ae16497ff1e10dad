// libs/disco: the Disco virtual machine monitor (see docs/monitor.md).
export * from './abi/monitor-abi.js';
export { COST_TABLE_NAME, DEFAULT_COSTS, describeCosts, makeCostTable, type CostTable } from './costs.js';
export { Monitor, type MonitorOptions, type MonitorRunResult, type MachineMetrics } from './monitor.js';
export { Vm, type VmConfig, type VmExit, type VmState } from './vm.js';
export { VCpu, VCPU_STATE } from './vcpu/vcpu.js';
export { type MetricsSnapshot } from './metrics.js';
export { physFrames } from './memory/phys-tlb.js';
