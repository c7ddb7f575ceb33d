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
import { greeksReply } from '../greeks-reply.ts';
import { renderGreeksTable } from '../../render/greeks-table-png.ts';
import { snapshotIdentity } from '../../render/render-once.ts';

export const greeksCommand: CommandDefinition = {
  name: 'greeks',
  role: 'viewer',
  syntax: '/greeks [chain] [next|exp=YYYY-MM-DD]',
  example: '/greeks NSE',
  summary: 'delta, gamma, theta, vega by strike; ATM IV and straddle theta per day',
  arguments: [chainArgument(false), expiryArgument],
  image: true,
  handler: async (input) => {
    const spec = chainOrDefault(input);
    const { expiry, rest } = takeExpiry(input, input.args.slice(1));
    if (rest.length > 0) throw usage(input.command, `Unexpected "${rest.join(' ')}"`);
    const current = await currentSnapshot(input, spec.id, expiry);
    const { snapshot } = current;
    const key = { kind: 'greeks', chainId: spec.id, identity: snapshotIdentity(snapshot) };
    const render = () => renderGreeksTable(snapshot);
    const png = await (input.context.renders?.get(key, render) ?? render());
    const reply = greeksReply(spec.id, snapshot, input.context.lotSize?.(spec.id) ?? null, png);
    return {
      ...reply,
      buttons: [[{ label: 'Refresh', command: `/greeks ${spec.id}${expiryWords(expiry)}` }]],
    };
  },
};
