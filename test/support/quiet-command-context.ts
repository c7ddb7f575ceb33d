import type { CommandContext } from '../../src/commands/context.ts';
import { fakeCommandContext } from './fake-command-context.ts';

/** @deprecated use `fakeCommandContext({ access })`; kept until test/commands moves to it. */
export function quietCommandContext(access: string): CommandContext {
  return fakeCommandContext({ access });
}
