import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstrumentRecord } from '../../src/store/oi-store.ts';

/** A fresh temporary directory per test, removed afterwards. */
export function useTempDir(): { dir: () => string; dbPath: (name?: string) => string; cleanup: () => void } {
  let current: string | undefined;
  const dir = (): string => (current ??= mkdtempSync(join(tmpdir(), 'oi-store-test-')));
  return {
    dir,
    dbPath: (name = 'oi-tracker.db') => join(dir(), name),
    cleanup: () => {
      if (current !== undefined) rmSync(current, { recursive: true, force: true });
      current = undefined;
    },
  };
}

export function instrument(
  token: number,
  chainId: string,
  strike: number,
  optionType: 'CE' | 'PE',
  expiry = '2026-11-24',
): InstrumentRecord {
  const name = chainId === 'BSE' ? 'SENSEX' : 'NIFTY';
  return {
    token,
    chainId,
    symbol: `${name}26N24${strike}${optionType}`,
    strike,
    optionType,
    expiry,
    exchange: chainId === 'BSE' ? 'BFO' : 'NFO',
    lotSize: chainId === 'BSE' ? 20 : 75,
  };
}
