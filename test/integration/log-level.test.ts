/** LOG_LEVEL, through the app as composed: the level the operator set is the level it logs at. */
import { describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/slack/ids.ts';
import { createHarness, GUEST } from '../support/harness.ts';

describe('LOG_LEVEL', () => {
  // Bolt, and the Web API client it builds, set their logger's level as the app is built; ours must not follow.
  it('holds after the app is built: warn writes no info lines, debug writes debug lines without payloads', async () => {
    const quiet = await createHarness({ logLevel: 'warn' });
    try {
      await quiet.command('start Design a URL shortener');
      expect(quiet.root()).toBeDefined();
      expect(quiet.logs.filter((l) => l.level === 'info' || l.level === 'debug')).toEqual([]);
    } finally {
      await quiet.close();
    }
    const chatty = await createHarness({ logLevel: 'debug' });
    try {
      await chatty.command('start Design a URL shortener');
      // The note form opens through Bolt's Web API client, whose request carries the topic.
      const actions = (chatty.root()?.blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as { elements: { value: string }[] };
      await chatty.click(ACTION_IDS.addNote, actions.elements[0]?.value ?? '', { user: GUEST });
      expect(chatty.slack.openViews(GUEST)).toHaveLength(1);
      expect(chatty.logs.some((l) => l.level === 'debug')).toBe(true);
      expect(chatty.logs.some((l) => l.msg === 'session started')).toBe(true);
      // Slack's clients log each request and answer at debug; the payloads, with people's words, are left out.
      expect(chatty.logs.some((l) => String(l.msg).startsWith('http request body: [payload not logged]'))).toBe(true);
      expect(JSON.stringify(chatty.logs)).not.toContain('URL shortener');
    } finally {
      await chatty.close();
    }
  });
});
