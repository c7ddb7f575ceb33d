import { snapshotIdentity } from '../../render/render-once.ts';
import {
  chainArgument,
  chainOrDefault,
  currentSnapshot,
  expiryArgument,
  expiryWords,
  takeExpiry,
} from '../arguments.ts';
import type { CommandDefinition } from '../command.ts';
import { usage } from '../grammar.ts';
import { ivReply } from '../iv-reply.ts';

export const ivCommand: CommandDefinition = {
  name: 'iv',
  role: 'viewer',
  syntax: '/iv [chain] [next|exp=YYYY-MM-DD]',
  example: '/iv NSE',
  summary: 'the IV smile by strike (ATM marked) and ATM IV through the day',
  arguments: [chainArgument(false), expiryArgument],
  image: true,
  handler: async (input) => {
    const { context } = input;
    const spec = chainOrDefault(input);
    const { expiry, rest } = takeExpiry(input, input.args.slice(1));
    if (rest.length > 0) throw usage(input.command, `Unexpected "${rest.join(' ')}"`);
    const { snapshot } = await currentSnapshot(input, spec.id, expiry);
    // The whole reply (the day's stored cycles read and the chart) once per published snapshot.
    const key = { kind: 'iv', chainId: spec.id, identity: snapshotIdentity(snapshot) };
    const build = () => ivReply(spec.id, snapshot, context.history);
    const reply = await (context.renders?.get(key, build) ?? build());
    return { ...reply, buttons: [[{ label: 'Refresh', command: `/iv ${spec.id}${expiryWords(expiry)}` }]] };
  },
};
