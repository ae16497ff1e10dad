// Disk images under DISCO_DATA_DIR/disks. The base image "rootfs" is built once (libs/ext2)
// from guest/images/rootfs; a VM's private disk is a persistent copy of a base made when the VM
// is created (deleted with the VM unless another VM has it attached too); a copy-on-write disk
// runs over a base image, and a persistent one keeps the VM's changes in an overlay file under
// DISCO_DATA_DIR/overlays (written by the monitor, deleted with the VM).
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { addStandardDevices, buildImage, dir, merge, readHostTree } from '../../../../libs/ext2/src/index.js';
import { ApiException } from '../common/api-error.js';
import { newId } from '../common/ids.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/config.js';
import { rootfsDir } from '../config/paths.js';
import { PrismaService } from '../db/prisma.service.js';
import type { Disk, Prisma } from '../db/generated/client.js';

export const BASE_ROOTFS = 'rootfs';
const BASE_SIZE_BYTES = 16 * 1024 * 1024;

@Injectable()
export class DisksService {
  private readonly log = new Logger('Disks');
  readonly dir: string;
  readonly overlayDir: string;

  constructor(private readonly db: PrismaService, @Inject(SERVER_CONFIG) config: ServerConfig) {
    this.dir = join(config.dataDir, 'disks');
    this.overlayDir = join(config.dataDir, 'overlays');
  }

  overlayPath(file: string): string {
    return join(this.overlayDir, file);
  }

  /** Bytes of an overlay file now (0 when the monitor has not written it yet). */
  overlaySize(file: string): number {
    try {
      return statSync(this.overlayPath(file)).size;
    } catch {
      return 0;
    }
  }

  removeOverlays(files: string[]): void {
    for (const f of files) rmSync(this.overlayPath(f), { force: true });
  }

  path(disk: Pick<Disk, 'file'>): string {
    return join(this.dir, disk.file);
  }

  /** Build the rootfs base image if it is not there (first start, or its file was removed). */
  async ensureBaseImages(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    mkdirSync(this.overlayDir, { recursive: true });
    const existing = await this.db.disk.findUnique({ where: { name: BASE_ROOTFS } });
    if (existing !== null && existsSync(this.path(existing))) return;
    const file = `base-${BASE_ROOTFS}.img`;
    const root = dir();
    merge(root, readHostTree(rootfsDir()));
    root.mode = 0o755;
    addStandardDevices(root);
    buildImage(root, { sizeBytes: BASE_SIZE_BYTES }).writeFile(join(this.dir, file));
    const sizeBytes = statSync(join(this.dir, file)).size;
    if (existing === null) {
      await this.db.disk.create({ data: { id: newId('disk'), name: BASE_ROOTFS, kind: 'base', file, sizeBytes } });
    } else {
      await this.db.disk.update({ where: { id: existing.id }, data: { file, sizeBytes } });
    }
    this.log.log(`built base image ${BASE_ROOTFS} from ${rootfsDir()}`);
  }

  async bases(): Promise<Disk[]> {
    return this.db.disk.findMany({ where: { kind: 'base' }, orderBy: { name: 'asc' } });
  }

  async list(): Promise<Disk[]> {
    return this.db.disk.findMany({ orderBy: { createdAt: 'asc' } });
  }

  /** A persistent disk for `owner`, a copy of base image `baseName` (inside transaction `tx`). */
  async createPersistent(tx: Prisma.TransactionClient, baseName: string, owner: string, field = 'rootImage'): Promise<Disk> {
    const base = await tx.disk.findUnique({ where: { name: baseName } });
    if (base === null || base.kind !== 'base') throw ApiException.field(field, `no base image named "${baseName}"`);
    const id = newId('disk');
    const file = `${id}.img`;
    copyFileSync(this.path(base), join(this.dir, file));
    return tx.disk.create({ data: { id, name: `${owner}-root-${id.slice(5, 11)}`, kind: 'persistent', file, sizeBytes: base.sizeBytes, baseId: base.id } });
  }

  /** Remove the files of disks whose rows are gone. */
  removeFiles(disks: Pick<Disk, 'file'>[]): void {
    for (const d of disks) rmSync(this.path(d), { force: true });
  }
}
