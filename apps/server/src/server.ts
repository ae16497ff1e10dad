// Builds and starts the Nest application: /api prefix, validation, error bodies, OpenAPI at
// /api/docs, socket.io; returns the listening app and its URL. Used by `disco serve`
// (main.ts) and by scripts/sync-openapi.mjs.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { ErrorFilter } from './common/error.filter.js';
import { QuietLogger } from './common/quiet-logger.js';
import { validationPipe } from './common/validation.js';
import type { ServerConfig } from './config/config.js';
import { repoRoot } from './config/paths.js';
import { serveDashboard } from './dashboard/serve-dashboard.js';
import { openApiDocument } from './openapi.js';

export interface Started {
  app: INestApplication;
  url: string;
}

export function version(): string {
  return (JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export async function createApp(config: ServerConfig, logger: LogLevel[] | false = ['log', 'warn', 'error']): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: logger === false ? false : new QuietLogger({ logLevels: logger }),
    abortOnError: false,
  });
  app.setGlobalPrefix('api');
  serveDashboard(app);
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ErrorFilter());
  SwaggerModule.setup('api/docs', app, () => openApiDocument(app, version()));
  return app;
}

export async function startServer(config: ServerConfig, logger?: LogLevel[] | false): Promise<Started> {
  const app = await createApp(config, logger);
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return { app, url: `http://${host}:${address.port}` };
}
