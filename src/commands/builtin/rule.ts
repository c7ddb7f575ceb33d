import { allows, roleOf } from '../access.ts';
import type { CommandDefinition, CommandInput } from '../command.ts';
import { usage } from '../grammar.ts';
import type { Reply } from '../reply.ts';
import { replayText } from '../rule-replies.ts';
import { UserError } from '../../errors.ts';

const COOLDOWN = /^cooldown=(\d{1,4})$/i;
const DAYS = /^days=(.*)$/i;

/** The long help of /help rule: the condition language with examples. */
export const RULE_HELP = [
  'Conditions compare metrics with > >= < <=, joined by and / or (and binds tighter) and parentheses.',
  'Chain metrics: price, pcr, pcr_all, max_pain, atm.',
  'Option metrics: oi(<option>), ltp(<option>), iv(<option>) (percent) and oi_chg_<w>m(<option>) for each',
  'window of OI_CHANGE_WINDOWS (percent, as /api/data). <option> is ATM, ATM+k, ATM-k (k strikes from the',
  "cycle's ATM) or a strike, then CE or PE. A value the cycle does not have makes its comparison false.",
  'A rule fires when its condition becomes true, again only after it was false on a cycle, and never within',
  'its cooldown (default ALERT_COOLDOWN_MINUTES). broadcast (admins) also sends it to the alert channels.',
  'Examples:',
  '/rule add callwall NSE oi_chg_15m(ATM+1 CE) > 20 and pcr < 0.8',
  '/rule add putfloor BSE (oi_chg_5m(ATM-1 PE) >= 10 or ltp(ATM PE) < 80) and price > 80000 cooldown=30',
  '/rule test NSE iv(ATM CE) > 15 days=5',
  '/rule off callwall · /rule on callwall · /rule del callwall · /rules',
].join('\n');

function ports(input: CommandInput) {
  const rules = input.context.rules;
  if (!rules) throw new UserError('Rules are not available here.');
  return rules;
}

/** Trailing `key=value` and flag words, taken off the end of the condition's words. */
function trailing(words: string[], take: (word: string) => boolean): string[] {
  const taken: string[] = [];
  while (words.length > 0 && take(words.at(-1)!)) taken.unshift(words.pop()!);
  return taken;
}

async function add(input: CommandInput): Promise<Reply> {
  const [name, chain, ...words] = input.args.slice(1);
  if (!name || !chain || words.length === 0)
    throw usage(input.command, 'add needs a name, a chain and a condition');
  const options = trailing(words, (word) => COOLDOWN.test(word) || word.toLowerCase() === 'broadcast');
  const cooldownWord = options.find((word) => COOLDOWN.test(word));
  const cooldownMinutes = cooldownWord ? Number(COOLDOWN.exec(cooldownWord)![1]) : null;
  if (cooldownMinutes !== null && cooldownMinutes > 1440)
    throw usage(input.command, 'cooldown is at most 1440 minutes');
  const broadcast = options.some((word) => word.toLowerCase() === 'broadcast');
  if (broadcast && !allows(roleOf(input.context.access, input.caller), 'admin')) {
    throw new UserError('broadcast is for admins: leave it out and the alerts come to this chat.');
  }
  const chat = input.caller.chat ?? input.caller.owner;
  const { rule, summary } = await ports(input).add({
    chat,
    name,
    chain,
    condition: words.join(' '),
    cooldownMinutes,
    broadcast,
  });
  return {
    text: [
      `Rule ${rule.name} is on for ${rule.chain}: ${rule.condition}` +
        (rule.cooldownMinutes === null ? '' : ` (cooldown ${rule.cooldownMinutes} min)`) +
        (rule.broadcast ? ' · broadcast' : ''),
      replayText(summary),
    ].join('\n'),
  };
}

async function test(input: CommandInput): Promise<Reply> {
  const [chain, ...words] = input.args.slice(1);
  if (!chain || words.length === 0) throw usage(input.command, 'test needs a chain and a condition');
  const options = trailing(words, (word) => DAYS.test(word));
  const rules = ports(input);
  const days = options.length > 0 ? rules.days(DAYS.exec(options.at(-1)!)![1]) : undefined;
  const summary = await rules.test(chain, words.join(' '), days);
  return { text: `${summary.chain}: ${summary.condition}\n${replayText(summary)}` };
}

function named(input: CommandInput, action: 'on' | 'off' | 'del'): Reply {
  const name = input.args[1];
  if (!name || input.args.length > 2) throw usage(input.command, `${action} needs the rule's name`);
  const chat = input.caller.chat ?? input.caller.owner;
  const rules = ports(input);
  if (action === 'del') {
    rules.remove(chat, name);
    return { text: `Rule ${name} deleted.` };
  }
  rules.setEnabled(chat, name, action === 'on');
  return { text: action === 'on' ? `Rule ${name} is on.` : `Rule ${name} is off.` };
}

export const ruleCommand: CommandDefinition = {
  name: 'rule',
  role: 'trader',
  syntax:
    '/rule add <name> <chain> <condition> [cooldown=<minutes>] [broadcast] | test <chain> <condition> [days=<n>] | on|off|del <name>',
  example: '/rule add callwall NSE oi_chg_15m(ATM+1 CE) > 20 and pcr < 0.8',
  summary: 'your alert rules: add, try on stored days, switch on or off, delete',
  help: RULE_HELP,
  arguments: [
    {
      name: 'action',
      description: 'add, test (on stored days), on, off or del',
      kind: 'text',
      required: true,
      choices: ['add', 'test', 'on', 'off', 'del'].map((action) => ({ label: action, value: action })),
    },
    { name: 'name', description: 'the rule name (add, on, off, del)', kind: 'text', maxLength: 32 },
    { name: 'chain', description: 'which option chain (add, test)', kind: 'chain-name' },
    {
      name: 'condition',
      description: 'e.g. oi_chg_15m(ATM+1 CE) > 20 and pcr < 0.8',
      kind: 'text',
      maxLength: 400,
    },
    {
      name: 'cooldown',
      description: 'minutes between firings (add)',
      kind: 'integer',
      min: 0,
      max: 1440,
      write: 'keyed',
    },
    {
      name: 'broadcast',
      description: 'also to the alert channels (add, admins)',
      kind: 'text',
      choices: [{ label: 'broadcast', value: 'broadcast' }],
    },
    {
      name: 'days',
      description: 'stored days to try it on (test)',
      kind: 'integer',
      min: 1,
      max: 3650,
      write: 'keyed',
    },
  ],
  handler: (input) => {
    const action = (input.args[0] ?? '').toLowerCase();
    if (action === 'add') return add(input);
    if (action === 'test') return test(input);
    if (action === 'on' || action === 'off' || action === 'del') return named(input, action);
    throw usage(
      input.command,
      action === '' ? 'say what to do with rules' : `"${input.args[0]}" is not add, test, on, off or del`,
    );
  },
};
