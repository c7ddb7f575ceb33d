import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { WebLoginInput } from './web-login.ts';

export interface LoginInputOptions {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Where the prompts go (a terminal); nothing typed for the password is ever written to it. */
  output: NodeJS.WritableStream;
  /** KITE_USER_ID: used when the user id is left empty. */
  defaultUserId?: string;
}

/** A problem with what was typed or piped in; shown as-is. */
export class LoginInputError extends Error {
  override name = 'LoginInputError';
}

/** Writes through to `target` unless muted (the password prompt's echo). */
class MutableOutput extends Writable {
  muted = false;
  constructor(private readonly target: NodeJS.WritableStream) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    if (!this.muted) this.target.write(chunk);
    done();
  }
}

function checked(lines: (string | undefined)[], defaultUserId: string | undefined): WebLoginInput {
  const [typedUserId = '', password = '', twofaCode = ''] = lines;
  const userId = (typedUserId.trim() || defaultUserId || '').toUpperCase();
  if (!userId) throw new LoginInputError('no Zerodha user id: type one, or set KITE_USER_ID');
  if (!password) throw new LoginInputError('no password given; nothing changed');
  const code = twofaCode.trim();
  if (!/^\d{6}$/.test(code))
    throw new LoginInputError('the 2FA code must be the 6 digits your authenticator app shows');
  return { userId, password, twofaCode: code };
}

/** Three lines from piped input: user id (empty for KITE_USER_ID), password, 2FA code. */
async function pipedLines(input: NodeJS.ReadableStream): Promise<string[]> {
  const lines: string[] = [];
  const reader = createInterface({ input, crlfDelay: Infinity, terminal: false });
  for await (const line of reader) {
    lines.push(line);
    if (lines.length === 3) break;
  }
  reader.close();
  return lines;
}

/** Asks on the terminal; the password is read with echo off. */
async function terminalLines(options: LoginInputOptions): Promise<string[]> {
  const output = new MutableOutput(options.output);
  const reader = createInterface({ input: options.input, output, terminal: true });
  const cancelled = new Promise<never>((_resolve, reject) => {
    const cancel = () => reject(new LoginInputError('login cancelled; nothing changed'));
    reader.once('SIGINT', cancel);
    reader.once('close', cancel);
  });
  cancelled.catch(() => {});
  const ask = (prompt: string) =>
    Promise.race([new Promise<string>((resolve) => reader.question(prompt, resolve)), cancelled]);
  try {
    const fallback = options.defaultUserId ? ` [${options.defaultUserId}]` : '';
    const userId = await ask(`Zerodha user id${fallback}: `);
    options.output.write('Password (not shown): ');
    output.muted = true;
    const password = await ask('');
    output.muted = false;
    options.output.write('\n');
    const code = await ask('2FA code (TOTP): ');
    return [userId, password, code];
  } finally {
    output.muted = false;
    reader.removeAllListeners('close');
    reader.close();
  }
}

/** The user id, password and 2FA code: asked on a terminal, or three lines of piped input. */
export async function readLoginInput(options: LoginInputOptions): Promise<WebLoginInput> {
  const lines = options.input.isTTY ? await terminalLines(options) : await pipedLines(options.input);
  return checked(lines, options.defaultUserId);
}
