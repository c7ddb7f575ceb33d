import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const UNIT = path.resolve(import.meta.dirname, '../../scripts/systemd/oi-tracker.service');
const NODE = '/usr/bin/node';
const text = readFileSync(UNIT, 'utf8');

/** The unit's settings as name → values, in order (a setting may be given more than once). */
function settings(unit: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const line of unit.split('\n')) {
    const match = line.match(/^([A-Za-z]+)=(.*)$/);
    if (match) found.set(match[1]!, [...(found.get(match[1]!) ?? []), match[2]!]);
  }
  return found;
}

/**
 * The unit as shipped when node is where Debian's and NodeSource's packages put it; elsewhere (nvm, a
 * tarball) a copy whose ExecStart names this node, since `verify` checks that the binary exists.
 */
function unitToVerify(): string {
  if (existsSync(NODE)) return UNIT;
  const copy = path.join(mkdtempSync(path.join(tmpdir(), 'oi-unit-')), 'oi-tracker.service');
  writeFileSync(copy, text.replace(`ExecStart=${NODE} `, `ExecStart=${process.execPath} `));
  return copy;
}

describe('the systemd unit', () => {
  it('passes systemd-analyze verify without a warning', async () => {
    const run = await promisify(execFile)('systemd-analyze', ['verify', unitToVerify()]).catch(
      (error: NodeJS.ErrnoException & { stdout?: string; stderr?: string }) => {
        if (error.code === 'ENOENT')
          throw new Error('systemd-analyze is missing: `npm test` installs it (package systemd)');
        return { stdout: error.stdout ?? '', stderr: `${error.stderr ?? ''}${error.message}` };
      },
    );
    // verify exits 0 on a setting it ignores as unparsable; any message is a mistake in the unit.
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('');
  });

  it('runs as its own user, writes only its state directory, and outwaits the daemon’s 5 s stop', () => {
    const unit = settings(text);
    const one = (name: string) => unit.get(name)?.join(' ');
    expect(one('User')).toBe('oi-tracker');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('StateDirectory')).toBe('oi-tracker');
    expect(unit.has('ReadWritePaths')).toBe(false);
    expect(one('Restart')).toBe('on-failure');
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(parseInt(one('TimeoutStopSec') ?? '')).toBeGreaterThan(5);
    expect(one('WorkingDirectory')).toBe('/opt/oi-tracker');
    expect(one('EnvironmentFile')).toBe('/opt/oi-tracker/.env');
    expect(one('ExecStart')).toBe(`${NODE} --import tsx src/main.ts`);
  });
});
