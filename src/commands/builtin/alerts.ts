import { formatIstIso } from '../../util/ist.ts';
import type { CommandDefinition, CommandInput } from '../command.ts';
import { usage } from '../grammar.ts';
import type { Reply } from '../reply.ts';

const hhmm = (ms: number) => formatIstIso(ms).slice(11, 16);

function mute(input: CommandInput, chat: string, now: number): Reply {
  const words = input.args[1] ?? '';
  const minutes = /^\d{1,4}$/.test(words) ? Number(words) : Number.NaN;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
    throw usage(input.command, `mute needs whole minutes from 1 to 1440, got "${words}"`);
  }
  const mutedUntil = now + minutes * 60_000;
  input.context.alerts.set({ chat, enabled: true, mutedUntil });
  return { text: `Alerts are muted until ${hhmm(mutedUntil)} IST.` };
}

export const alertsCommand: CommandDefinition = {
  name: 'alerts',
  role: 'viewer',
  syntax: '/alerts [on|off|mute <minutes>|status]',
  example: '/alerts mute 30',
  summary: "this chat's alert subscription",
  arguments: [
    {
      name: 'action',
      description: 'turn on, off, mute for a while, or show (default status)',
      kind: 'text',
      choices: ['on', 'off', 'mute', 'status'].map((action) => ({ label: action, value: action })),
      fallback: (values) => (values.has('minutes') ? 'mute' : undefined),
    },
    { name: 'minutes', description: 'how long to mute, 1 to 1440', kind: 'integer', min: 1, max: 1440 },
  ],
  handler: (input) => {
    const { context, caller, args } = input;
    const chat = caller.chat ?? caller.owner;
    const now = (context.now ?? Date.now)();
    const action = (args[0] ?? 'status').toLowerCase();
    if (action === 'on' || action === 'off') {
      context.alerts.set({ chat, enabled: action === 'on', mutedUntil: 0 });
      return { text: action === 'on' ? 'Alerts are on for this chat.' : 'Alerts are off for this chat.' };
    }
    if (action === 'mute') return mute(input, chat, now);
    if (action !== 'status') throw usage(input.command, `"${args[0]}" is not on, off, mute or status`);
    const current = context.alerts.get(chat);
    if (!current.enabled) return { text: 'Alerts are off for this chat. Send /alerts on to get them.' };
    return {
      text:
        current.mutedUntil > now
          ? `Alerts are on, muted until ${hhmm(current.mutedUntil)} IST.`
          : 'Alerts are on for this chat.',
    };
  },
};
