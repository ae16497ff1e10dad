// The server's configuration, from the environment, read and validated once at start. Every
// problem is reported at once, by variable name; nothing else in the server reads process.env.
import { isAbsolute, resolve } from 'node:path';
import { MACHINE, PHYS } from '../../../../libs/machine/src/board/memory-map.js';
import type { NumaMode } from '../../../../libs/protocol/src/index.js';

export interface ServerConfig {
  port: number;
  host: string;
  /** Absolute: the database, disks and the first admin token live here. */
  dataDir: string;
  /** When set, a valid admin token (automation, tests). */
  adminToken: string | null;
  /** Machine topology; null = keep what the database holds (8 CPUs in 4 nodes at first start). */
  cpus: number | null;
  nodes: number | null;
  memoryMiB: number | null;
  /** Timed memory model (DISCO_TIMED); null = keep what the database holds (off at first start). */
  timed: boolean | null;
  /** NUMA page placement of the monitor (DISCO_NUMA); null = not given (the policy, 'disco', in timed mode). */
  numa: NumaMode | null;
  /** How long a shutdown waits for the guest before stopping it. */
  shutdownTimeoutMs: number;
  /** Start VMs marked autostart. */
  autostart: boolean;
  /** State-changing requests per second and token (bursts of twice that); 0: no limit. */
  rateLimit: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, min: number, max: number, problems: string[]): number | null {
  const v = env[name];
  if (v === undefined || v === '') return null;
  if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${v}")`);
    return null;
  }
  return Number(v);
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): ServerConfig {
  const problems: string[] = [];
  const port = int(env, 'PORT', 0, 65535, problems) ?? 3000;
  const host = env.DISCO_HOST ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) problems.push(`DISCO_HOST must be a host name or address (got "${host}")`);
  const dataDirRaw = env.DISCO_DATA_DIR ?? './data';
  if (dataDirRaw.trim() === '') problems.push('DISCO_DATA_DIR must not be empty');
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw);
  let adminToken: string | null = env.DISCO_ADMIN_TOKEN ?? null;
  if (adminToken === '') adminToken = null;
  if (adminToken !== null && !/^[A-Za-z0-9._~-]{16,200}$/.test(adminToken)) {
    problems.push('DISCO_ADMIN_TOKEN must be 16 to 200 characters from A-Z a-z 0-9 . _ ~ -');
  }
  const cpus = int(env, 'DISCO_CPUS', 1, MACHINE.MAX_CPUS, problems);
  const nodes = int(env, 'DISCO_NODES', 1, MACHINE.MAX_NODES, problems);
  const memoryMiB = int(env, 'DISCO_MEMORY_MIB', 16, PHYS.RAM_MAX_BYTES / (1024 * 1024), problems);
  const c = cpus ?? MACHINE.DEFAULT_CPUS;
  const n = nodes ?? MACHINE.DEFAULT_NODES;
  const m = memoryMiB ?? MACHINE.DEFAULT_RAM_BYTES / (1024 * 1024);
  if (c % n !== 0) problems.push(`DISCO_NODES (${n}) must divide DISCO_CPUS (${c})`);
  if (m % n !== 0) problems.push(`DISCO_MEMORY_MIB (${m}) must be a multiple of DISCO_NODES (${n})`);
  const timedRaw = env.DISCO_TIMED ?? '';
  if (timedRaw !== '' && timedRaw !== '0' && timedRaw !== '1') problems.push(`DISCO_TIMED must be 0 (fast) or 1 (timed cache/NUMA model) (got "${timedRaw}")`);
  const timed = timedRaw === '' ? null : timedRaw === '1';
  const numaRaw = env.DISCO_NUMA ?? '';
  const NUMA_VALUES: Record<string, NumaMode> = { on: 'disco', disco: 'disco', autonuma: 'autonuma', off: 'off' };
  const numa = numaRaw === '' ? null : (NUMA_VALUES[numaRaw] ?? null);
  if (numaRaw !== '' && numa === null) problems.push(`DISCO_NUMA must be on (the paper's migration and replication policy, also "disco"), autonuma (migrate only) or off (got "${numaRaw}")`);
  if (numa !== null && numa !== 'off' && timed === false) problems.push(`DISCO_NUMA=${numaRaw} needs the timed model (its miss counters come from the cache model): not with DISCO_TIMED=0`);
  const shutdownTimeoutMs = int(env, 'DISCO_SHUTDOWN_TIMEOUT_MS', 100, 600_000, problems) ?? 10_000;
  const autostartRaw = env.DISCO_AUTOSTART ?? '1';
  if (autostartRaw !== '0' && autostartRaw !== '1') problems.push(`DISCO_AUTOSTART must be 0 or 1 (got "${autostartRaw}")`);
  const rateLimit = int(env, 'DISCO_RATE_LIMIT', 0, 100_000, problems) ?? 30;
  if (problems.length > 0) throw new ConfigError(problems);
  return { port, host, dataDir, adminToken, cpus, nodes, memoryMiB, timed, numa, shutdownTimeoutMs, autostart: autostartRaw === '1', rateLimit };
}

/** Nest injection token of the ServerConfig. */
export const SERVER_CONFIG = Symbol('ServerConfig');
