import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { OiStore } from '../../src/store/oi-store.ts';

const root = path.resolve(import.meta.dirname, '../..');
const ACKNOWLEDGED_BEFORE_KILL = 300;

/** Runs the writer until it has acknowledged enough, kills it with SIGKILL; returns its complete lines. */
async function writeUntilKilled(dbPath: string): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/paper/kill-writer.ts', dbPath], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.split('\n').length > ACKNOWLEDGED_BEFORE_KILL) child.kill('SIGKILL');
  });
  const signal = await exited;
  expect(signal, `the writer stopped by itself:\n${errors}`).toBe('SIGKILL');
  return output.split('\n').slice(0, -1); // the part after the last newline may be cut short
}

describe('paper writes survive kill -9', () => {
  it('every acknowledged open and close is in the file, which passes integrity_check', async () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'oi-paper-kill-')), 'oi.db');
    const lines = await writeUntilKilled(dbPath);
    expect(lines.length).toBeGreaterThanOrEqual(ACKNOWLEDGED_BEFORE_KILL);

    const raw = new Database(dbPath, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();

    const store = OiStore.open(dbPath);
    try {
      const paper = store.paperStore();
      const open = new Set(paper.loadOpen().map((p) => p.id));
      const closed = new Map(paper.closedBetween(0, Number.MAX_SAFE_INTEGER).map((p) => [p.id, p]));
      const opened = lines.filter((line) => line.startsWith('opened ')).map((line) => line.slice(7));
      for (const id of opened) expect(open.has(id) || closed.has(id), `${id} lost`).toBe(true);
      for (const line of lines.filter((l) => l.startsWith('closed '))) {
        const [, id, pnl] = line.split(' ');
        expect(closed.get(id!)?.realizedPaise, `${id} not closed`).toBe(Math.round(Number(pnl) * 100));
      }
      // The sequence continues after the highest id ever handed out.
      const highest = Math.max(...[...open, ...closed.keys()].map((id) => Number(id.slice(5))));
      const next = paper.openPosition({
        chainId: 'NSE',
        owner: 'console',
        token: 1,
        symbol: 'X',
        strike: 1,
        type: 'CE',
        side: 'BUY',
        qty: 1,
        entryPaise: 1,
        entryTime: 1,
        targetPaise: 1,
        stopPaise: 1,
      });
      expect(Number(next.slice(5))).toBe(highest + 1);
    } finally {
      store.close();
    }
  }, 30_000);
});
