// libs/protocol: the only contract between the server, the machine worker and the dashboard.
export * from './vm-state.js';
export * from './commands.js';
export * from './events.js';
export * from './errors.js';
export * from './api.js';
export * from './socket.js';
