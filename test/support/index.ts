// Entry point of the shared test helpers: runners (qemu-mipsel, bin/disco user), tool detection,
// the corpus list, and the differential assertions.
export * from './run.js';
export * from './corpus.js';
export * from './compare.js';
