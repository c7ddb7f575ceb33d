import {
  chainArgument,
  chainExpirySnapshot,
  expiryArgument,
  expiryWords,
  oncePerSnapshot,
} from '../arguments.ts';
import type { CommandDefinition } from '../command.ts';
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
    const { spec, expiry, snapshot } = await chainExpirySnapshot(input);
    // The whole reply (the day's stored cycles read and the chart) once per published snapshot.
    const reply = await oncePerSnapshot(input, 'iv', snapshot, () =>
      ivReply(spec.id, snapshot, input.context.history),
    );
    return { ...reply, buttons: [[{ label: 'Refresh', command: `/iv ${spec.id}${expiryWords(expiry)}` }]] };
  },
};
