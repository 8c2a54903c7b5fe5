import type { InputBlock, KnownBlock, PlainTextInput, StaticSelect } from '@slack/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NOTE_LENGTH } from '../../../../src/domain/command.ts';
import { NOTE_KINDS } from '../../../../src/domain/notes.ts';
import { ACTION_IDS, BLOCK_IDS, CALLBACK_IDS } from '../../../../src/slack/ids.ts';
import { LIMITS } from '../../../../src/slack/limits.ts';
import { decodeNoteModalMetadata, encodeNoteModalMetadata, parseNoteForm, renderNoteModal } from '../../../../src/slack/views/note-modal.ts';
import { expectModalWithinLimits } from '../../support/block-kit.ts';

const input = { sessionId: 'abc_DEF-123', channelId: 'C0123ABCD', topic: 'Design a URL shortener', phaseIndex: 1 };

function inputBlock(view: ReturnType<typeof renderNoteModal>, blockId: string): InputBlock {
  const block = view.blocks.find((b): b is InputBlock => b.type === 'input' && b.block_id === blockId);
  if (!block) throw new Error(`no input block ${blockId}`);
  return block;
}

const select = (view: ReturnType<typeof renderNoteModal>, blockId: string) => inputBlock(view, blockId).element as StaticSelect;

/** A view_submission `state.values`; `null` for a select means nothing was picked. */
function state(text: string | null | undefined, phase: string | null = '1', kind: string | null = 'api') {
  return {
    [BLOCK_IDS.noteText]: { [ACTION_IDS.noteText]: { type: 'plain_text_input', value: text } },
    [BLOCK_IDS.notePhase]: { [ACTION_IDS.notePhase]: { type: 'static_select', selected_option: phase === null ? null : { value: phase } } },
    [BLOCK_IDS.noteKind]: { [ACTION_IDS.noteKind]: { type: 'static_select', selected_option: kind === null ? null : { value: kind } } },
  };
}

describe('renderNoteModal', () => {
  const view = renderNoteModal(input);

  it('is a modal with our callback id, a short title and Save / Cancel', () => {
    expectModalWithinLimits(view);
    expect(view.type).toBe('modal');
    expect(view.callback_id).toBe(CALLBACK_IDS.noteModal);
    expect(view.title).toEqual({ type: 'plain_text', text: 'Add a note' });
    expect(view.title.text.length).toBeLessThanOrEqual(LIMITS.modalTitle);
    expect(view.submit?.text).toBe('Save');
    expect(view.close?.text).toBe('Cancel');
  });

  it('shows the topic as plain text, exactly as typed', () => {
    const hostile = renderNoteModal({ ...input, topic: '<!channel> & <@U999>' });
    expect(hostile.blocks[0]).toEqual({ type: 'context', elements: [{ type: 'plain_text', text: '<!channel> & <@U999>' }] });
  });

  it('offers the four phases, starting on the current one', () => {
    const phase = select(view, BLOCK_IDS.notePhase);
    expect(phase.action_id).toBe(ACTION_IDS.notePhase);
    expect(phase.options?.map((o) => [o.value, o.text.text])).toEqual([
      ['0', '1. Requirements & scope'],
      ['1', '2. High-level design'],
      ['2', '3. Deep dive'],
      ['3', '4. Wrap-up'],
    ]);
    expect(phase.initial_option?.value).toBe('1');
  });

  it.each([
    [0, '0', 'requirement'],
    [1, '1', 'component'],
    [2, '2', 'trade_off'],
    [3, '3', 'feedback'],
    [9, '0', 'requirement'],
    [-1, '0', 'requirement'],
  ])('for phase %d starts on phase option %s and kind %s', (phaseIndex, phase, kind) => {
    const v = renderNoteModal({ ...input, phaseIndex });
    expect(select(v, BLOCK_IDS.notePhase).initial_option?.value).toBe(phase);
    expect(select(v, BLOCK_IDS.noteKind).initial_option?.value).toBe(kind);
    // the initial option is one of the options, as Slack requires
    expect(select(v, BLOCK_IDS.noteKind).options).toContainEqual(select(v, BLOCK_IDS.noteKind).initial_option);
    expect(select(v, BLOCK_IDS.notePhase).options).toContainEqual(select(v, BLOCK_IDS.notePhase).initial_option);
  });

  it('offers every note kind by its label', () => {
    const kind = select(view, BLOCK_IDS.noteKind);
    expect(kind.action_id).toBe(ACTION_IDS.noteKind);
    expect(kind.options?.map((o) => [o.value, o.text.text])).toEqual(NOTE_KINDS.map((k) => [k.value, k.label]));
  });

  it('has a multi-line text input limited to the note length', () => {
    const text = inputBlock(view, BLOCK_IDS.noteText).element as PlainTextInput;
    expect(text.type).toBe('plain_text_input');
    expect(text.action_id).toBe(ACTION_IDS.noteText);
    expect(text.multiline).toBe(true);
    expect(text.max_length).toBe(MAX_NOTE_LENGTH);
    expect(MAX_NOTE_LENGTH).toBe(3000);
  });

  it('round-trips session and channel through private_metadata', () => {
    expect(decodeNoteModalMetadata(view.private_metadata ?? '')).toEqual({ s: 'abc_DEF-123', c: 'C0123ABCD' });
  });

  it('keeps a very long topic within limits', () => {
    const long = renderNoteModal({ ...input, topic: 'x'.repeat(5000) });
    expectModalWithinLimits(long);
    const first = long.blocks[0] as KnownBlock | undefined;
    const topic = first?.type === 'context' ? first.elements[0] : undefined;
    expect(topic && 'text' in topic ? topic.text.length : 0).toBeLessThanOrEqual(2000);
  });
});

describe('note modal metadata', () => {
  it('round-trips any session id up to 64 and channel id up to 32 characters', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), fc.string({ maxLength: 32 }), (s, c) => {
        expect(decodeNoteModalMetadata(encodeNoteModalMetadata({ s, c }))).toEqual({ s, c });
      }),
    );
  });

  it.each(['', 'not json', 'null', '[]', '{}', '{"s":"","c":"C1"}', '{"s":"a"}', '{"s":1,"c":"C1"}', JSON.stringify({ s: 'x'.repeat(65), c: 'C1' })])(
    'refuses %j',
    (raw) => {
      expect(decodeNoteModalMetadata(raw)).toBeUndefined();
    },
  );
});

describe('parseNoteForm', () => {
  it('reads a valid form, trimming the text and keeping inner line breaks', () => {
    expect(parseNoteForm(state('  Cache the redirects\n  in Redis  ', '2', 'trade_off'))).toEqual({
      ok: true,
      phaseIndex: 2,
      kind: 'trade_off',
      text: 'Cache the redirects\n  in Redis',
      visibility: 'everyone',
    });
  });

  it('reads "interviewers only" when the panel chose it, and takes anything else as everyone', () => {
    const pick = (value: string) => ({
      ...state('x', '1', 'api'),
      note_visibility_block: { note_visibility: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: 'v' }, value } } },
    });
    expect(parseNoteForm(pick('interviewers'))).toMatchObject({ ok: true, visibility: 'interviewers' });
    expect(parseNoteForm(pick('everyone'))).toMatchObject({ ok: true, visibility: 'everyone' });
    expect(parseNoteForm(pick('candidate'))).toMatchObject({ ok: true, visibility: 'everyone' });
  });

  it.each([null, undefined, '', '   ', '\n\t '])('refuses empty text %j with an error on the text block', (text) => {
    const result = parseNoteForm(state(text));
    expect(result).toEqual({ ok: false, errors: { [BLOCK_IDS.noteText]: 'Write something first: a note cannot be empty.' } });
  });

  it('accepts 3000 characters and refuses more, keyed by the text block', () => {
    expect(parseNoteForm(state('n'.repeat(MAX_NOTE_LENGTH)))).toMatchObject({ ok: true, text: 'n'.repeat(MAX_NOTE_LENGTH) });
    expect(parseNoteForm(state('n'.repeat(MAX_NOTE_LENGTH + 1)))).toEqual({
      ok: false,
      errors: { [BLOCK_IDS.noteText]: `Keep it under ${MAX_NOTE_LENGTH} characters (this is ${MAX_NOTE_LENGTH + 1}).` },
    });
  });

  it.each([null, '4', '-1', '1.5', 'x', 'NaN'])('refuses phase %j with an error on the phase block', (phase) => {
    expect(parseNoteForm(state('ok', phase))).toEqual({ ok: false, errors: { [BLOCK_IDS.notePhase]: 'Pick a phase.' } });
  });

  it.each(['', ' 2 ', '0x1', '1e0', '01'])('refuses the loosely numeric phase value %j', (phase) => {
    expect(parseNoteForm(state('ok', phase))).toEqual({ ok: false, errors: { [BLOCK_IDS.notePhase]: 'Pick a phase.' } });
  });

  it.each([null, '', 'Requirement', 'toString', '__proto__', 'nonsense'])('refuses kind %j with an error on the kind block', (kind) => {
    expect(parseNoteForm(state('ok', '0', kind))).toEqual({ ok: false, errors: { [BLOCK_IDS.noteKind]: 'Pick a kind.' } });
  });

  it('reports every problem at once', () => {
    const result = parseNoteForm(state('', null, null));
    expect(result.ok).toBe(false);
    expect(!result.ok && Object.keys(result.errors).sort()).toEqual([BLOCK_IDS.noteKind, BLOCK_IDS.notePhase, BLOCK_IDS.noteText].sort());
  });

  it('treats a state it cannot read as an empty form', () => {
    for (const values of [undefined, null, 42, 'text', [], { [BLOCK_IDS.noteText]: 'oops' }]) {
      const result = parseNoteForm(values);
      expect(result.ok).toBe(false);
      expect(!result.ok && Object.keys(result.errors).length).toBe(3);
    }
  });

  it('accepts each phase and kind the modal offers', () => {
    const view = renderNoteModal(input);
    for (const phase of select(view, BLOCK_IDS.notePhase).options ?? []) {
      for (const kind of select(view, BLOCK_IDS.noteKind).options ?? []) {
        expect(parseNoteForm(state('x', phase.value, kind.value))).toEqual({ ok: true, phaseIndex: Number(phase.value), kind: kind.value, text: 'x', visibility: 'everyone' });
      }
    }
  });
});
