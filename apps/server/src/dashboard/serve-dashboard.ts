// Serves the built web dashboard (apps/dashboard, built by Vite into dist/dashboard) at `/`:
// its static files, and index.html for any other GET outside /api so that the dashboard's own
// routes (/vms/<id>, ...) survive a reload. Plain Express middleware, registered before Nest's
// routes; /api and /api/socket.io are never touched. Without a build it says how to make one.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { repoRoot } from '../config/paths.js';

/** Where `npm run build:dashboard` puts the dashboard. */
export function dashboardDir(): string {
  return join(repoRoot(), 'dist', 'dashboard');
}

function isApi(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

export function serveDashboard(app: INestApplication, dir = dashboardDir()): void {
  const index = join(dir, 'index.html');
  const assets = express.static(dir, { index: false, maxAge: '1h', immutable: false });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (isApi(req.path) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    if (req.path.startsWith('/assets/')) {
      // Vite's hashed bundles: cache for good; a missing one is a 404, never index.html.
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      return assets(req, res, () => res.status(404).type('text/plain').send('not found\n'));
    }
    assets(req, res, () => {
      if (!existsSync(index)) {
        res.status(503).type('text/plain').send('The dashboard is not built: run `npm run build:dashboard` (npm install does it).\n');
        return;
      }
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  });
}
