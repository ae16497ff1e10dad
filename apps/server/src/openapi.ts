// The OpenAPI document, generated from the controllers and DTOs (@nestjs/swagger). Served at
// /api/docs (and /api/docs-json); scripts/sync-openapi.mjs writes it to openapi.json.
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

export function openApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Disco server')
    .setDescription('Define, run and watch virtual machines on the emulated cc-NUMA machine. '
      + 'Every route but /api/health needs "Authorization: Bearer <token>"; changes need an admin token. '
      + 'Errors have the body { statusCode, code, message, fields? }. Console and live events: socket.io at /api/socket.io (docs/api.md).')
    .setVersion(version)
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config);
}
