/**
 * Nasty chat input for the adapters: what people (and their clients) really send, and what an attacker
 * would try. Used by test/hostile/chat-corpus.test.ts against the real adapters and the loopback servers.
 */

/** A Telegram message from an admin in a private chat, and what the bot must do with it. */
export interface ChatInput {
  /** What makes it nasty; the test's name. */
  name: string;
  /** The message text; `{bot}` stands for the bot's username. */
  text: string;
  /** The one answer it must get (matched against the answer's plain text), or null: no answer at all. */
  answer: RegExp | null;
  /** A reported product bug makes this input fail its checks; the test expects that until it is fixed. */
  knownBug?: string;
}

const FIVE_THOUSAND = 5000;
const RTL_OVERRIDE = '\u202e';
const POP_DIRECTIONAL = '\u202c';

const unknownChain = (chain: string) =>
  new RegExp(`^Unknown chain "${escapeRegExp(chain)}"; use one of NSE, NIFTY, BSE, SENSEX\\. Usage: `);
const notAQuantity = (word: string) =>
  new RegExp(`^"${escapeRegExp(word)}" is not a quantity or tp=/sl=\\. Usage: /buy `);
const notAnOption = (word: string) =>
  new RegExp(`^"${escapeRegExp(word)}" is not an option: write the strike and type, like 25600CE\\. Usage: `);
const unknownCommand = (name: string) =>
  new RegExp(`^Unknown command /${escapeRegExp(name)}\\. Send /help for the list\\.$`);
const noSuchPosition = (id: string) =>
  new RegExp(`^no open position ${escapeRegExp(id)} in your book; /positions lists yours$`);

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const TELEGRAM_CORPUS: readonly ChatInput[] = [
  // Unicode: bidi controls, emoji, invisible and look-alike characters.
  {
    name: 'an RTL override in the chain name',
    text: `/chain ${RTL_OVERRIDE}ESN${POP_DIRECTIONAL}`,
    answer: unknownChain(`${RTL_OVERRIDE}ESN${POP_DIRECTIONAL}`),
  },
  {
    name: 'an RTL override inside the command name',
    text: `/${RTL_OVERRIDE}niahc NSE`,
    answer: unknownCommand(`${RTL_OVERRIDE}niahc`),
  },
  {
    name: 'bidi isolates around a quantity',
    text: '/buy NSE 25600CE \u206675\u2069',
    answer: notAQuantity('\u206675\u2069'),
  },
  { name: 'an emoji as the chain', text: '/chain 📈', answer: unknownChain('📈') },
  {
    name: 'a ZWJ family and a skin-toned emoji as the chain',
    text: '/positions 👨‍👩‍👧‍👦👋🏽',
    answer: unknownChain('👨‍👩‍👧‍👦👋🏽'),
  },
  { name: 'rockets as the quantity', text: '/buy NSE 25600CE 🚀🚀🚀', answer: notAQuantity('🚀🚀🚀') },
  {
    name: 'a zero-width space glued into the command',
    text: '/chain\u200bNSE',
    answer: unknownCommand('chain\u200bNSE'),
  },
  {
    name: 'a no-break space between command and argument',
    text: '/help\u00a0buy',
    answer: /^\/buy <chain> /,
  },
  { name: 'a Cyrillic look-alike command', text: '/сhain NSE', answer: unknownCommand('сhain') },
  {
    name: 'full-width digits in the strike',
    text: '/buy NSE ２５６００CE',
    answer: notAnOption('２５６００CE'),
  },
  { name: 'Arabic-Indic digits in the strike', text: '/buy NSE ٢٥٦٠٠CE', answer: notAnOption('٢٥٦٠٠CE') },
  {
    name: 'NUL and BEL control characters in the argument',
    text: '/chain NSE\u0000\u0007',
    answer: unknownChain('NSE\u0000\u0007'),
  },

  // Size.
  {
    name: 'a 5,000-character argument',
    text: `/help ${'x'.repeat(FIVE_THOUSAND - 6)}`,
    answer: /^There is no \/x{400,500}\. Send \/help for the list\.$/,
  },
  {
    name: 'a 5,000-character plain message',
    text: 'a'.repeat(FIVE_THOUSAND),
    answer: /^Commands start with \/\. Send \/help for the list\.$/,
  },
  {
    name: 'a 5,000-digit quantity',
    text: `/buy NSE 25600CE ${'9'.repeat(FIVE_THOUSAND)}`,
    answer: /^quantity 9{400,500} is not a whole number of units above 0\. Usage: /,
  },
  {
    name: '2,000 emoji after one letter (the 500-character cut lands inside an emoji)',
    text: `/help x${'😀'.repeat(2000)}`,
    answer: /^There is no \/x😀+/,
  },

  // Numbers that are not what they seem.
  { name: '/buy with 1e309 as the quantity', text: '/buy NSE 25600CE 1e309', answer: notAQuantity('1e309') },
  {
    name: '/buy with -0 as the quantity',
    text: '/buy NSE 25600CE -0',
    answer: /^quantity -0 is not a whole number of units above 0\. Usage: /,
  },
  { name: '/buy with 0x10 as the quantity', text: '/buy NSE 25600CE 0x10', answer: notAQuantity('0x10') },
  { name: '/buy with 1e309 as the strike', text: '/buy NSE 1e309CE', answer: notAnOption('1e309CE') },
  {
    name: '/buy with a 20-digit quantity',
    text: '/buy NSE 25600CE 99999999999999999999',
    answer: /^quantity 99999999999999999999 is not a whole number of units above 0\. Usage: /,
  },
  {
    name: '/buy with tp=1e309',
    text: '/buy NSE 25600CE tp=1e309',
    answer: /^tp=1e309 is not a positive number of points\. Usage: /,
  },
  {
    name: '/buy with sl=-0',
    text: '/buy NSE 25600CE sl=-0',
    answer: /^sl=-0 is not a positive number of points\. Usage: /,
  },
  {
    name: '/buy with tp=NaN',
    text: '/buy NSE 25600CE tp=NaN',
    answer: /^tp=NaN is not a positive number of points\. Usage: /,
  },
  {
    name: '/alerts mute 1e309',
    text: '/alerts mute 1e309',
    answer: /^mute needs whole minutes from 1 to 1440, got "1e309"\. Usage: /,
  },
  {
    name: '/alerts mute -0',
    text: '/alerts mute -0',
    answer: /^mute needs whole minutes from 1 to 1440, got "-0"\. Usage: /,
  },

  // SQL.
  {
    name: 'SQL in the position id',
    text: "/exit '; DROP TABLE paper_positions; --",
    answer: noSuchPosition("';"),
  },
  { name: 'SQL in the chain', text: "/positions NSE' OR '1'='1", answer: unknownChain("NSE'") },
  {
    name: 'a stacked SQL statement in the chain',
    text: '/chain NSE;DELETE',
    answer: unknownChain('NSE;DELETE'),
  },
  {
    name: 'SQL after the mute minutes',
    text: '/alerts mute 1;DROP',
    answer: /^mute needs whole minutes from 1 to 1440, got "1;DROP"\. Usage: /,
  },

  // HTML and markup (Telegram parses the bot's messages as HTML).
  { name: 'HTML bold in the chain', text: '/chain <b>NSE</b>', answer: unknownChain('<b>NSE</b>') },
  {
    name: 'a script tag after /help',
    text: '/help <script>alert(1)</script>',
    answer: /^There is no \/<script>alert\(1\)<\/script>\. Send \/help for the list\.$/,
  },
  {
    name: 'a tg:// link as the option',
    text: '/buy NSE <a href="tg://user?id=1">x</a>',
    answer: notAnOption('<a'),
  },
  {
    name: 'an escaped entity as the chain',
    text: '/chain &lt;b&gt;&amp;',
    answer: unknownChain('&lt;b&gt;&amp;'),
  },
  { name: 'an unclosed <pre> as the chain', text: '/chain <pre>', answer: unknownChain('<pre>') },
  {
    name: 'HTML around a position id',
    text: '/exit <b>NSE_P0001</b>',
    answer: noSuchPosition('<B>NSE_P0001</B>'),
  },
  {
    name: 'Markdown as the chain',
    text: '/chain *bold*_it_`code`',
    answer: unknownChain('*bold*_it_`code`'),
  },

  // Odd command shapes.
  { name: 'a lone slash', text: '/', answer: unknownCommand('') },
  { name: 'a double slash', text: '//chain', answer: unknownCommand('/chain') },
  { name: 'leading spaces and a line break', text: '   /help\nbuy', answer: /^\/buy <chain> / },
  {
    name: '/token with two values',
    text: '/token abc def',
    answer: /^Send exactly one value after \/token\. Usage: /,
  },
  {
    name: '/token with HTML instead of a request token',
    text: '/token <script>x</script>',
    answer: /^That is not a request token: /,
  },
  {
    name: '/enctoken with SQL',
    text: "/enctoken ' OR 1=1 --",
    answer: /^Send exactly one value after \/enctoken\. Usage: /,
  },

  // Addressed to another bot: not ours to answer.
  { name: 'a command for another bot', text: '/chain@other_bot NSE', answer: null },
  { name: 'a trade for another bot', text: '/buy@SomeOtherBot NSE 25600CE 75', answer: null },
  { name: 'a command with an empty @address', text: '/chain@ NSE', answer: null },
  { name: 'our username followed by another', text: '/help@{bot}@evil_bot', answer: null },
  { name: 'our username in capitals', text: '/HELP@{BOT}', answer: /^Commands:\n/ },
];

/** Values for Discord's free-text slash-command options (Discord itself enforces `max_length`). */
export const HOSTILE_VALUES: readonly { name: string; value: string }[] = [
  { name: 'an RTL override', value: `${RTL_OVERRIDE}1000P_ESN${POP_DIRECTIONAL}` },
  { name: 'a ZWJ emoji family', value: '👨‍👩‍👧‍👦👋🏽📈' },
  { name: '5,000 characters', value: 'x'.repeat(FIVE_THOUSAND) },
  { name: '1e309', value: '1e309' },
  { name: '-0', value: '-0' },
  { name: '0x10', value: '0x10' },
  { name: 'SQL', value: "'; DROP TABLE paper_positions; --" },
  { name: 'HTML', value: '<b>NSE_P0001</b><script>alert(1)</script>' },
  { name: 'Markdown', value: '**bold** __under__ `code` ||spoiler|| [link](https://evil.example)' },
  { name: 'mentions', value: '@everyone @here <@300000000000000009> <@&1>' },
  { name: 'a code fence', value: '```\nNSE_P0001\n```' },
  { name: 'NUL and line breaks', value: 'NSE_P0001\u0000\nall' },
];
