// `disco serve`: read the configuration (clear errors, exit 2), start the server, print where
// it listens and how to get the admin token. SIGINT/SIGTERM stop it (VMs are stopped, their
// runs closed).
import { ConfigError, loadConfig } from './config/config.js';
import { startServer } from './server.js';
import { TokensService } from './auth/tokens.service.js';

export async function serve(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`disco serve: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  let started;
  try {
    started = await startServer(config);
  } catch (e) {
    // A topology that only fails with the stored machine (e.g. DISCO_NODES alone) is found here.
    if (e instanceof ConfigError) {
      process.stderr.write(`disco serve: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const { app, url } = started;
  const tokens = app.get(TokensService);
  const lines = [`disco server listening on ${url} (API under ${url}/api, docs at ${url}/api/docs)`, `data directory: ${config.dataDir}`];
  if (config.adminToken !== null) lines.push('admin token: the value of DISCO_ADMIN_TOKEN');
  else if (tokens.firstTokenFile !== null) lines.push(`admin token (created now): cat ${tokens.firstTokenFile}`);
  else if (tokens.tokenFileHint() !== null) lines.push(`admin token: cat ${tokens.tokenFileHint()}`);
  else lines.push(`admin token: the one created at first start (${config.dataDir}/admin-token was removed); or set DISCO_ADMIN_TOKEN`);
  process.stdout.write(lines.join('\n') + '\n');
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
  return 0;
}
