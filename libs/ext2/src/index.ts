// Public API of libs/ext2: build ext2 images from in-memory or host trees, and read them back.
export * from './layout.js';
export * from './tree.js';
export * from './structs.js';
export * from './directory.js';
export * from './image.js';
export * from './writer.js';
export * from './reader.js';
export * from './host.js';
