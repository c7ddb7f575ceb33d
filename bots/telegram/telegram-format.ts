/** Bot API limits, checked here on the HTML we send (never shorter than what Telegram counts). */
export const MESSAGE_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

/** Escapes the three characters Telegram's HTML parse mode reserves. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** One piece of a message: plain text, a bold line, or a monospace block. */
export interface TextBlock {
  text: string;
  style?: 'bold' | 'pre';
}

const TAGS = { bold: ['<b>', '</b>'], pre: ['<pre>', '</pre>'] } as const;

const tagLength = (block: TextBlock): number =>
  block.style === undefined ? 0 : TAGS[block.style][0].length + TAGS[block.style][1].length;

function renderBlock(block: TextBlock): string {
  if (block.style === undefined) return escapeHtml(block.text);
  const [open, close] = TAGS[block.style];
  return `${open}${escapeHtml(block.text)}${close}`;
}

/** The longest head of `line` whose escaped length fits `budget` (at least one character), and the rest. */
function cutLine(line: string, budget: number): [string, string] {
  let length = 0;
  let end = 0;
  for (const char of line) {
    length += escapeHtml(char).length;
    if (length > budget && end > 0) break;
    end += char.length;
  }
  return [line.slice(0, end), line.slice(end)];
}

/**
 * Packs blocks into HTML messages, message `n` at most `limitOf(n)` characters long, splitting on
 * line boundaries (a line longer than a whole message is cut). A block split across messages is
 * closed and reopened, so every message parses on its own.
 */
function pack(blocks: readonly TextBlock[], limitOf: (index: number) => number): string[] {
  const messages: string[] = [];
  let current = '';
  for (const block of blocks) {
    if (block.text === '') continue;
    const lines = block.text.split('\n');
    let next = 0;
    while (next < lines.length) {
      const prefix = current === '' ? '' : `${current}\n`;
      const budget = limitOf(messages.length) - prefix.length - tagLength(block);
      const taken: string[] = [];
      let length = -1;
      while (next < lines.length && length + 1 + escapeHtml(lines[next]!).length <= budget) {
        length += 1 + escapeHtml(lines[next]!).length;
        taken.push(lines[next]!);
        next += 1;
      }
      if (taken.length === 0) {
        if (current !== '') {
          messages.push(current);
          current = '';
          continue;
        }
        const [head, tail] = cutLine(lines[next]!, budget);
        taken.push(head);
        lines[next] = tail;
      }
      current = prefix + renderBlock({ ...block, text: taken.join('\n') });
      if (next < lines.length) {
        messages.push(current);
        current = '';
      }
    }
  }
  if (current !== '') messages.push(current);
  return messages;
}

/** Renders blocks as HTML messages of at most `limit` characters each. */
export function htmlMessages(blocks: readonly TextBlock[], limit = MESSAGE_LIMIT): string[] {
  return pack(blocks, () => limit);
}

/** The HTML caption that fits under a photo, and the HTML messages that carry the rest after it. */
export function captionAndTexts(blocks: readonly TextBlock[]): { caption: string; texts: string[] } {
  const [caption = '', ...texts] = pack(blocks, (index) => (index === 0 ? CAPTION_LIMIT : MESSAGE_LIMIT));
  return { caption, texts };
}
