import { describe, expect, it } from 'vitest';
import { parseAccess, roleOf } from '../../src/commands/access.ts';
import { isChatKey, platformOf } from '../../src/util/chat-key.ts';

describe('ACCESS and chat keys', () => {
  it('takes any platform:id key, so an adapter for a new platform needs no change here', () => {
    const access = parseAccess(
      'slack:U024BE7LH=trader, matrix:@alice:example.org=admin, Telegram:1001=viewer, discord-channel:77=viewer',
    )!;
    expect([...access]).toEqual([
      ['slack:U024BE7LH', 'trader'],
      ['matrix:@alice:example.org', 'admin'],
      ['telegram:1001', 'viewer'],
      ['discord-channel:77', 'viewer'],
    ]);
    expect(roleOf(access, { owner: 'slack:U024BE7LH' })).toBe('trader');
    expect(roleOf(access, { owner: 'slack:u024be7lh' })).toBeNull();
    expect(roleOf(access, { owner: 'discord:5', chat: 'discord-channel:77' })).toBe('viewer');
  });

  it.each([
    ['a key without a platform', ':1001=admin'],
    ['a key without an id', 'slack:=admin'],
    ['an id with a space', 'slack:U1 U2=admin'],
    ['two = signs', 'slack:U1=admin=trader'],
    ['an unknown role', 'slack:U1=owner'],
    ['no role', 'slack:U1'],
  ])('refuses %s', (_what, text) => {
    expect(parseAccess(text)).toBeNull();
  });

  it('tells chat keys from the console and the API, and names their platform', () => {
    expect(['telegram:-100777', 'slack:U1', 'discord-channel:9'].map(isChatKey)).toEqual([true, true, true]);
    expect(['console', 'api', 'slack:', 'Slack:U1'].map(isChatKey)).toEqual([false, false, false, false]);
    expect(['discord-channel:9', 'matrix:@a:b.org', 'api'].map(platformOf)).toEqual([
      'discord',
      'matrix',
      null,
    ]);
  });
});
