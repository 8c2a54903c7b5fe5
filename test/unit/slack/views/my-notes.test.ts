/** The list of one's own notes: what was just done to one is said first, and an emptied list says so plainly. */
import { describe, expect, it } from 'vitest';
import { renderMyNotes } from '../../../../src/slack/views/my-notes.ts';
import { expectEscaped, expectWithinBlockKitLimits, HOSTILE, sectionTexts } from '../../support/block-kit.ts';
import { aNote, aSession } from '../../support/builders.ts';

describe('renderMyNotes', () => {
  const session = aSession({ topic: HOSTILE });

  it('says what was just done before the notes as they now are', () => {
    const list = renderMyNotes(session, [aNote({ text: 'Shard by user id' })], '✏️ Note updated.');
    expectWithinBlockKitLimits(list);
    const [head] = sectionTexts(list.blocks);
    expect(head).toMatch(/^✏️ Note updated\. Your notes in \*.+\* \(1\)\./);
    expectEscaped(head ?? '');
  });

  it('after the last one is deleted, says it is gone and that there are no others, not "yet"', () => {
    const emptied = renderMyNotes(session, [], '🗑️ Note deleted.');
    expect(emptied.text).toMatch(/^🗑️ Note deleted\. You have no other notes in /);
    expect(emptied.text).not.toContain('yet');
    expectEscaped(emptied.text);
    expect(renderMyNotes(session, []).text).toContain('You have no notes in');
  });
});
