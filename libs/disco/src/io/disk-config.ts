// Disk kinds of a VM's configuration and the monitor's registry of the host files behind them:
// 'private' (a persistent image of one VM, exclusive while that VM runs), 'cow' (a shared base
// image plus an in-memory overlay dropped at power-off), 'cow-persistent' (a base image plus an
// overlay file that keeps the VM's changes). Base images are opened read-only once per monitor
// (one BaseImage each: the global disk cache's key); exclusivity is checked when a VM starts.

import { realpathSync, statSync } from 'node:fs';
import { type BlockBackend, FileBlockBackend } from '../../../machine/src/devices/block/block.backend.js';
import type { Vm } from '../vm.js';
import type { CacheImage } from './disk-cache.js';
import { CowDisk, FileBaseImage, FileOverlay, MemoryOverlay, OverlayError } from './cow-disk.js';

export type DiskConfig =
  | { kind: 'private'; path: string; readOnly?: boolean }
  | { kind: 'cow'; base: string }
  | { kind: 'cow-persistent'; base: string; overlay: string };

export type DiskKind = DiskConfig['kind'];

/** A disk as given in VmConfig.disks: a ready backend (treated as private) or a DiskConfig. */
export type VmDisk = BlockBackend | DiskConfig;

export function isDiskConfig(d: VmDisk): d is DiskConfig {
  return typeof (d as DiskConfig).kind === 'string' && typeof (d as BlockBackend).read !== 'function';
}

/** A disk configuration the monitor cannot use (missing file, bad overlay, ...). */
export class DiskConfigError extends Error {}

interface Claim {
  /** Resolved host path. */
  path: string;
  /** 'exclusive': a writable private image or an overlay file; 'shared': a base image. */
  mode: 'exclusive' | 'shared';
  unit: number;
}

function resolve(path: string, what: string): string {
  try {
    return realpathSync(path);
  } catch {
    throw new DiskConfigError(`${what} ${path}: no such file`);
  }
}

export class DiskRegistry {
  private readonly bases = new Map<string, FileBaseImage>();
  private readonly claims = new Map<Vm, Claim[]>();
  private readonly vmClaims = new Map<Vm, Claim[]>();
  private readonly owned: BlockBackend[] = [];
  private readonly pseudo = new Map<string, CacheImage>();
  private nextIndex = 0;
  /** Per VM: the cache images it uses (base images, its kernel) and the backends opened for it. */
  private readonly uses = new Map<Vm, { images: Set<number>; opened: BlockBackend[] }>();

  /** The base image at `path` (opened read-only once per monitor). */
  baseImage(path: string): FileBaseImage {
    const real = resolve(path, 'base image');
    const st = statSync(real);
    if (!st.isFile()) throw new DiskConfigError(`base image ${path}: not a regular file`);
    const identity = `${real}:${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
    let b = this.bases.get(identity);
    if (b === undefined) {
      b = new FileBaseImage(this.nextIndex++, identity, real, new FileBlockBackend(real, { readOnly: true }));
      this.bases.set(identity, b);
    }
    return b;
  }

  /** A cache key for contents that are not a disk (the kernel image's text), unique per identity. */
  pseudoImage(identity: string): CacheImage {
    let p = this.pseudo.get(identity);
    if (p === undefined) {
      p = { index: this.nextIndex++, identity };
      this.pseudo.set(identity, p);
    }
    return p;
  }

  /** Backends for a VM's disks (DiskConfigs opened here; ready backends as they are). Throws DiskConfigError. */
  open(disks: (VmDisk | undefined)[]): { backends: (BlockBackend | undefined)[]; claims: Claim[]; opened: BlockBackend[] } {
    const backends: (BlockBackend | undefined)[] = [];
    const claims: Claim[] = [];
    const opened: BlockBackend[] = [];
    try {
      disks.forEach((d, unit) => {
        if (d === undefined) {
          backends.push(undefined);
          return;
        }
        if (!isDiskConfig(d)) {
          backends.push(d);
          if (d instanceof FileBlockBackend && !d.readOnly) claims.push({ path: resolve(d.path, 'disk'), mode: 'exclusive', unit });
          return;
        }
        switch (d.kind) {
          case 'private': {
            const path = resolve(d.path, 'disk image');
            const b = new FileBlockBackend(path, { readOnly: d.readOnly === true });
            opened.push(b);
            backends.push(b);
            claims.push({ path, mode: d.readOnly === true ? 'shared' : 'exclusive', unit });
            return;
          }
          case 'cow': {
            const base = this.baseImage(d.base);
            backends.push(new CowDisk(base, new MemoryOverlay()));
            claims.push({ path: base.path, mode: 'shared', unit });
            return;
          }
          case 'cow-persistent': {
            const base = this.baseImage(d.base);
            let overlay: FileOverlay;
            try {
              overlay = FileOverlay.open(d.overlay, base);
            } catch (e) {
              if (e instanceof OverlayError) throw new DiskConfigError(e.message);
              throw new DiskConfigError(`overlay ${d.overlay}: ${e instanceof Error ? e.message : String(e)}`);
            }
            const disk = new CowDisk(base, overlay);
            opened.push(disk);
            backends.push(disk);
            claims.push({ path: base.path, mode: 'shared', unit });
            claims.push({ path: resolve(d.overlay, 'overlay'), mode: 'exclusive', unit });
            return;
          }
          default:
            throw new DiskConfigError(`disk ${unit}: unknown kind ${JSON.stringify((d as { kind: unknown }).kind)} (private, cow, cow-persistent)`);
        }
      });
    } catch (e) {
      for (const b of opened) b.close?.();
      throw e;
    }
    this.owned.push(...opened);
    return { backends, claims, opened };
  }

  /** Remember the host files a VM's disks use (checked against the other running VMs at start). */
  register(vm: Vm, opened: { backends: (BlockBackend | undefined)[]; claims: Claim[]; opened: BlockBackend[] }): void {
    this.vmClaims.set(vm, opened.claims);
    const images = new Set<number>();
    for (const b of opened.backends) if (b instanceof CowDisk) images.add(b.base.index);
    this.uses.set(vm, { images, opened: opened.opened });
  }

  /** The VM uses cache image `index` (its kernel's text). */
  use(vm: Vm, index: number): void {
    this.uses.get(vm)?.images.add(index);
  }

  /**
   * The VM is gone for good (Monitor.destroyVm): close the files opened for it and return the
   * cache images no remaining VM uses (their cache entries can go).
   */
  forget(vm: Vm): number[] {
    const u = this.uses.get(vm);
    this.uses.delete(vm);
    this.vmClaims.delete(vm);
    this.claims.delete(vm);
    if (u === undefined) return [];
    for (const b of u.opened) {
      b.close?.();
      const i = this.owned.indexOf(b);
      if (i >= 0) this.owned.splice(i, 1);
    }
    const still = new Set<number>();
    for (const other of this.uses.values()) for (const i of other.images) still.add(i);
    return [...u.images].filter((i) => !still.has(i));
  }

  /**
   * Claim a VM's disks for a run: an exclusive file (a writable private image, an overlay) may be
   * used by no other running VM, in any role. Null, or why not.
   */
  claim(vm: Vm): string | null {
    const mine = this.vmClaims.get(vm) ?? [];
    for (const c of mine) {
      for (const [other, theirs] of this.claims) {
        if (other === vm) continue;
        for (const t of theirs) {
          if (t.path !== c.path || (c.mode === 'shared' && t.mode === 'shared')) continue;
          return `disk ${c.unit}: ${c.path} is in use by running VM ${other.name} (disk ${t.unit}, ${t.mode === 'exclusive' ? 'exclusive' : 'shared base'})`;
        }
      }
    }
    this.claims.set(vm, mine);
    return null;
  }

  release(vm: Vm): void {
    this.claims.delete(vm);
  }

  /** Close every file this registry opened (base images, private images, overlays). */
  close(): void {
    for (const b of this.owned) b.close?.();
    this.owned.length = 0;
    for (const b of this.bases.values()) b.backend.close?.();
    this.bases.clear();
  }
}
