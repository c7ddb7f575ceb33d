import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Relative imports of a folder named `name` (any depth: `../bots/x.ts`, `../../src/sim/server.ts`). */
const folder = (names, message) => ({ regex: `^\\.{1,2}/(.*/)?(${names.join('|')})(/|$)`, message });

const CHAT_LIBRARIES = {
  regex: '^(telegraf|discord\\.js)(/|$)|^@discordjs/',
  message: 'Chat libraries belong in bots/<platform>/; src/ and scripts/ stay platform-neutral.',
};
const BOTS = folder(
  ['bots'],
  'Only src/main.ts and the chat starter src/app/chat-adapters.ts reach bots/; everything else offers ports.',
);
const SIM = folder(
  ['sim'],
  'Production code reaches the simulator only through the market-data starter (src/app/market-data.ts).',
);
const CONFIG = {
  regex: '^\\.{1,2}/(.*/)?config(\\.ts)?$',
  message: 'Only the starters read the Config; take the settings you need as a parameter.',
};
const TRACKER_STORAGE = folder(
  ['store'],
  'The tracker reaches storage only through its ports (src/tracker/ports.ts).',
);
const COMMANDS = folder(
  ['commands'],
  'The command core sits above the data layers: they offer ports to it and never import from it.',
);
const KITE_LAYERS = folder(
  ['tracker', 'store', 'paper', 'alerts', 'commands', 'render', 'http'],
  'src/kite knows the Kite wire protocol only: no chains, storage, paper, alerts, commands, rendering or HTTP. Take a port instead.',
);

/**
 * One `no-restricted-imports` entry per region. ESLint does not merge a rule's options across
 * config objects (the last matching object wins), so each region lists every restriction that
 * applies to it, and narrower regions come after the wider ones they carve out of.
 */
const boundary = (files, restrictions) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: restrictions }] },
});

const boundaries = [
  boundary(['scripts/**/*.ts'], [CHAT_LIBRARIES]),
  boundary(['src/**/*.ts'], [CHAT_LIBRARIES, BOTS, SIM]),
  boundary(['src/main.ts', 'src/app/chat-adapters.ts'], [CHAT_LIBRARIES, SIM]),
  boundary(['src/app/market-data.ts', 'src/sim/**/*.ts'], [CHAT_LIBRARIES, BOTS]),
  boundary(['src/kite/**/*.ts'], [CHAT_LIBRARIES, BOTS, SIM, KITE_LAYERS, CONFIG]),
  boundary(['src/tracker/**/*.ts'], [CHAT_LIBRARIES, BOTS, SIM, TRACKER_STORAGE, COMMANDS]),
  boundary(
    ['src/{alerts,store,paper,render,http,quant,calendar,util}/**/*.ts'],
    [CHAT_LIBRARIES, BOTS, SIM, COMMANDS],
  ),
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'bench/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...boundaries,
  {
    files: ['src/**/*.ts', 'bots/**/*.ts'],
    rules: {
      'max-lines-per-function': [
        'error',
        { max: 100, skipBlankLines: false, skipComments: false, IIFEs: true },
      ],
    },
  },
);
