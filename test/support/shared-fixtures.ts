import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** `../shared/kite-fixtures` beside the checkout: real Kite payloads, read in place, never copied. */
export const FIXTURES_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/kite-fixtures',
);
export const fixturesPresent = existsSync(FIXTURES_DIR);
export const FIXTURES_ABSENT_MESSAGE = `skipped: ${FIXTURES_DIR} is absent (real Kite fixtures live beside the checkout)`;

export function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES_DIR, name));
}

export function fixtureJson<T = unknown>(name: string): T {
  return JSON.parse(fixture(name).toString('utf8')) as T;
}
