import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { CommandCore } from '../../src/commands/command-core.ts';
import type { Reply } from '../../src/commands/reply.ts';

export interface ConsoleOptions {
  core: CommandCore;
  input: Readable;
  output: Writable;
  /** Where image replies are written (OUT_DIR). */
  outDir: string;
  /** Show a prompt (an interactive terminal). */
  interactive: boolean;
}

let imageCount = 0;

/** Writes a reply as the terminal shows it: text, table, image path, buttons as hints. */
export function formatForConsole(reply: Reply, outDir: string): string {
  const lines = [reply.text];
  if (reply.table) lines.push(reply.table);
  if (reply.image) {
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `${String(++imageCount).padStart(3, '0')}-${reply.image.filename}`);
    writeFileSync(file, reply.image.png);
    lines.push(`[image] ${file} (${reply.image.alt})`);
  }
  if (reply.buttons?.length) {
    lines.push(
      reply.buttons
        .map((row) => row.map((button) => `[${button.label}: ${button.command}]`).join(' '))
        .join('\n'),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The local console: reads commands line by line (a leading / is optional), answers them in order
 * as the bots would, and resolves when the input ends.
 */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const lines = createInterface({ input: options.input, terminal: false });
  const prompt = () => {
    if (options.interactive) options.output.write('oi> ');
  };
  prompt();
  for await (const line of lines) {
    const text = line.trim();
    if (text === '') {
      prompt();
      continue;
    }
    if (text === 'quit' || text === '/quit') break;
    const reply = await options.core.handle(text.startsWith('/') ? text : `/${text}`, { owner: 'console' });
    options.output.write(formatForConsole(reply, options.outDir));
    prompt();
  }
}
