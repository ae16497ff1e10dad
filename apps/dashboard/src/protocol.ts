// The dashboard's view of libs/protocol, the one contract with the server: re-exported, never copied.
export * from '../../../libs/protocol/src/index.js';
