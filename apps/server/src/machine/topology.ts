// The checks a machine topology must pass (CPUs, nodes, memory, as the worker builds it): used
// by the server at start (stored values merged with the environment) and by the worker itself.
import { MACHINE, PHYS } from '../../../../libs/machine/src/board/memory-map.js';
import { NUMA_MODES, type WorkerConfig } from '../../../../libs/protocol/src/index.js';

/** The problems of a topology (empty when it is fine). */
export function topologyProblems(c: Omit<WorkerConfig, 'numa'> & { numa?: WorkerConfig['numa'] }): string[] {
  const p: string[] = [];
  if (!Number.isInteger(c.cpus) || c.cpus < 1 || c.cpus > MACHINE.MAX_CPUS) p.push(`cpus must be 1..${MACHINE.MAX_CPUS} (got ${c.cpus})`);
  if (!Number.isInteger(c.nodes) || c.nodes < 1 || c.nodes > MACHINE.MAX_NODES) p.push(`nodes must be 1..${MACHINE.MAX_NODES} (got ${c.nodes})`);
  const maxMiB = PHYS.RAM_MAX_BYTES / (1024 * 1024);
  if (!Number.isInteger(c.memoryMiB) || c.memoryMiB < 16 || c.memoryMiB > maxMiB) p.push(`memory must be 16..${maxMiB} MiB (got ${c.memoryMiB})`);
  if (p.length === 0 && c.cpus % c.nodes !== 0) p.push(`${c.nodes} nodes do not divide ${c.cpus} CPUs`);
  if (p.length === 0 && c.memoryMiB % c.nodes !== 0) p.push(`${c.memoryMiB} MiB do not split evenly over ${c.nodes} nodes`);
  if (c.numa !== undefined && !NUMA_MODES.includes(c.numa)) p.push(`numa must be ${NUMA_MODES.join(', ')} (got ${String(c.numa)})`);
  return p;
}
