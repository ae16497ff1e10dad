// Request validation: one ValidationPipe for the whole app (unknown fields rejected, values
// converted to the DTO's types) whose failures list the messages per field, and the `:id`
// path parameter check.
import { Injectable, ValidationPipe, type PipeTransform, type ValidationError } from '@nestjs/common';
import { ApiException } from './api-error.js';

function collect(errors: ValidationError[], prefix: string, into: Record<string, string[]>): void {
  for (const e of errors) {
    const path = prefix === '' ? e.property : `${prefix}.${e.property}`;
    if (e.constraints) (into[path] ??= []).push(...Object.values(e.constraints));
    if (e.children && e.children.length > 0) collect(e.children, path, into);
  }
}

export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // One message per field: the type check (the decorator nearest the property) comes first.
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const fields: Record<string, string[]> = {};
      collect(errors, '', fields);
      const summary = Object.entries(fields).map(([f, m]) => `${f}: ${m.join(', ')}`).join('; ');
      return new ApiException('validation_failed', summary === '' ? 'invalid request' : summary, fields);
    },
  });
}

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** `:id` path parameters: our ids are lower-case letters, digits and dashes. */
@Injectable()
export class IdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || !ID.test(value)) throw ApiException.field('id', 'must be an id (lower-case letters, digits, dashes)');
    return value;
  }
}
