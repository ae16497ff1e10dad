// Block-device controller with DMA, and the host image backends.
export {
  BLOCK_IMMEDIATE,
  BlockDevice,
  type BlockConfig,
  type BlockLatency,
  type BlockStats,
} from './block.device.js';
export {
  FileBlockBackend,
  MemoryBlockBackend,
  type BlockBackend,
  type FileBlockBackendOptions,
} from './block.backend.js';
export * from './block.regs.js';
