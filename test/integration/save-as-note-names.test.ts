/**
 * "Save as note" on a message that mentions people or channels: a message's text names them by id only
 * (`<@U0BOB>`), so the app looks their names up before it fills in the note form.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BLOCK_IDS } from '../../src/slack/ids.ts';
import { NAME_LOOKUPS_AT_ONCE } from '../../src/slack/users.ts';
import { createHarness, GUEST, type Harness } from '../support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
  await h.command('start Design a URL shortener');
});
afterEach(async () => {
  await h.close();
});

function prefilled(): string | undefined {
  const view = h.slack.openViews(GUEST).at(-1);
  const input = (view?.blocks as { block_id?: string; element?: { initial_value?: string } }[]).find((b) => b.block_id === BLOCK_IDS.noteText);
  return input?.element?.initial_value;
}

describe('Save as note on a message that mentions people and channels', () => {
  it('fills the form with their names, not their ids, and saves the names', async () => {
    await h.shortcut("Let's use consistent hashing &amp; a &lt;ring&gt; for <@U0BOB>, ask <@U0CAROL> in <#C0PREP|>", { user: GUEST });
    expect(prefilled()).toBe("Let's use consistent hashing & a <ring> for @bob, ask @carol in #interview-prep");
    const view = h.slack.openViews(GUEST).at(-1);
    await h.submitNote({ id: view?.id ?? '', private_metadata: view?.private_metadata ?? '' }, { text: prefilled() ?? '', phase: '0', kind: 'requirement' }, { user: GUEST });
    expect(h.db.prepare('SELECT body FROM notes').pluck().all()).toEqual(["Let's use consistent hashing & a <ring> for @bob, ask @carol in #interview-prep"]);
  });

  it('keeps the id of someone Slack does not name, and of a channel the app cannot see', async () => {
    await h.shortcut('Ask <@U0NOBODY> in <#G0PRIVATE>', { user: GUEST });
    expect(prefilled()).toBe('Ask @U0NOBODY in #G0PRIVATE');
  });

  it('still opens the form, with ids, when Slack does not answer the lookups', async () => {
    h.slack.fail('users.info', { error: 'ratelimited' }, 5);
    await h.shortcut('Ask <@U0BOB>', { user: GUEST });
    expect(prefilled()).toBe('Ask @U0BOB');
  });

  it('looks up a few people at most, once each, and leaves the rest as ids', async () => {
    const many = Array.from({ length: NAME_LOOKUPS_AT_ONCE + 2 }, (_, i) => `<@U0X${i}>`);
    await h.shortcut(`<@U0BOB> ${many.join(' ')} <@U0BOB>`, { user: GUEST });
    const lookups = h.slack.calls.filter((c) => c.method === 'users.info');
    expect(lookups).toHaveLength(NAME_LOOKUPS_AT_ONCE);
    expect(prefilled()?.startsWith('@bob @U0X0')).toBe(true);
    expect(prefilled()?.endsWith('@bob')).toBe(true);
  });

  it('looks nothing up for a message whose mentions carry their names', async () => {
    await h.shortcut('Use <@U0CAROL|carol>’s idea', { user: GUEST });
    expect(prefilled()).toBe('Use @carol’s idea');
    expect(h.slack.calls.some((c) => c.method === 'users.info' || c.method === 'conversations.info')).toBe(false);
  });
});
