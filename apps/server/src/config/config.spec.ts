// loadConfig: defaults, conversions, and every problem reported at once by variable name.
import { describe, expect, test } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  test('defaults', () => {
    const c = loadConfig({}, '/srv');
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', dataDir: '/srv/data', adminToken: null, cpus: null, timed: null, shutdownTimeoutMs: 10_000, autostart: true, rateLimit: 30 });
  });

  test('values from the environment', () => {
    const c = loadConfig({ PORT: '0', DISCO_DATA_DIR: '/var/disco', DISCO_ADMIN_TOKEN: 'abcdefghijklmnop', DISCO_CPUS: '4', DISCO_NODES: '2', DISCO_MEMORY_MIB: '128', DISCO_TIMED: '1', DISCO_AUTOSTART: '0' }, '/srv');
    expect(c).toMatchObject({ port: 0, dataDir: '/var/disco', adminToken: 'abcdefghijklmnop', cpus: 4, nodes: 2, memoryMiB: 128, timed: true, autostart: false });
  });

  test('all problems at once, by name', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: '70000', DISCO_ADMIN_TOKEN: 'short', DISCO_CPUS: '6', DISCO_NODES: '4', DISCO_AUTOSTART: 'maybe', DISCO_TIMED: 'yes', DISCO_MEMORY_MIB: '8' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT must be a whole number from 0 to 65535/);
    expect(problems).toMatch(/DISCO_ADMIN_TOKEN must be 16 to 200/);
    expect(problems).toMatch(/DISCO_NODES \(4\) must divide DISCO_CPUS \(6\)/);
    expect(problems).toMatch(/DISCO_AUTOSTART must be 0 or 1/);
    expect(problems).toMatch(/DISCO_TIMED must be 0 \(fast\) or 1/);
    expect(problems).toMatch(/DISCO_MEMORY_MIB must be a whole number from 16 to 496/);
  });

  test('DISCO_NUMA: on / disco / autonuma / off, not without the timed model', () => {
    expect(loadConfig({}).numa).toBeNull();
    expect(loadConfig({ DISCO_NUMA: 'on' }).numa).toBe('disco');
    expect(loadConfig({ DISCO_NUMA: 'disco' }).numa).toBe('disco');
    expect(loadConfig({ DISCO_NUMA: 'autonuma', DISCO_TIMED: '1' }).numa).toBe('autonuma');
    expect(loadConfig({ DISCO_NUMA: 'off', DISCO_TIMED: '0' }).numa).toBe('off');
    expect(() => loadConfig({ DISCO_NUMA: 'yes' })).toThrow(/DISCO_NUMA must be on .*autonuma .*or off \(got "yes"\)/);
    expect(() => loadConfig({ DISCO_NUMA: 'ON' })).toThrow(/DISCO_NUMA must be/);
    expect(() => loadConfig({ DISCO_NUMA: 'on', DISCO_TIMED: '0' })).toThrow(/DISCO_NUMA=on needs the timed model/);
  });
});
