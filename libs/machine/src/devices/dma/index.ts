// DMA access to RAM shared by the DMA-capable devices.
export { type DmaPort, dmaRangeOk, ramDmaPort } from './dma.port.js';
