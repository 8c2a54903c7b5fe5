/** The "Add note" modal and the parsing of what comes back from it. */
import type { ModalView, PlainTextOption } from '@slack/types';
import { z } from 'zod';
import { MAX_NOTE_LENGTH } from '../../domain/command.ts';
import { DEFAULT_KIND_BY_PHASE, isNoteKind, type Note, NOTE_KINDS, type NoteKind, type NoteVisibility } from '../../domain/notes.ts';
import { PHASES } from '../../domain/phases.ts';
import type { Session } from '../../domain/session.ts';
import { clip, isBlank } from '../../domain/text.ts';
import { currentPhaseIndex } from '../../domain/timeline.ts';
import { ACTION_IDS, BLOCK_IDS, CALLBACK_IDS } from '../ids.ts';
import { truncate } from '../mrkdwn.ts';

/** s: session, c: channel, n: the note being edited (absent for a new note). */
const NoteModalMetadata = z.object({ s: z.string().min(1).max(64), c: z.string().max(32), n: z.number().int().positive().optional() });
export type NoteModalMetadata = z.infer<typeof NoteModalMetadata>;

export function encodeNoteModalMetadata(meta: NoteModalMetadata): string {
  return JSON.stringify(meta);
}

export function decodeNoteModalMetadata(raw: string): NoteModalMetadata | undefined {
  try {
    const parsed = NoteModalMetadata.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function option(text: string, value: string): PlainTextOption {
  return { text: { type: 'plain_text', text: truncate(text, 75) }, value };
}

const phaseOptions = PHASES.map((p, i) => option(`${i + 1}. ${p.name}`, String(i)));
const kindOptions = NOTE_KINDS.map((k) => option(k.label, k.value));
const VISIBILITY_OPTIONS: PlainTextOption[] = [option('Everyone (the thread and the summary)', 'everyone'), option('Interviewers only (never the candidate)', 'interviewers')];

export function renderNoteModal(input: {
  sessionId: string;
  channelId: string;
  topic: string;
  phaseIndex: number;
  /** Prefilled text, e.g. the message a "Save as note" shortcut was used on. */
  initialText?: string;
  /** The person writing is on a live interview's panel: they may keep a note for the interviewers only. */
  panel?: boolean;
  /** Editing a note: its id, kind and visibility (its text and phase come in `initialText` and `phaseIndex`). */
  editing?: { noteId: number; kind: NoteKind; visibility: NoteVisibility };
}): ModalView {
  const phase = phaseOptions[input.phaseIndex] ?? phaseOptions[0];
  const kind = kindOptions.find((k) => k.value === (input.editing?.kind ?? DEFAULT_KIND_BY_PHASE[input.phaseIndex])) ?? kindOptions[0];
  const visibility = VISIBILITY_OPTIONS.find((o) => o.value === (input.editing?.visibility ?? 'everyone')) ?? VISIBILITY_OPTIONS[0];
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.noteModal,
    private_metadata: encodeNoteModalMetadata({ s: input.sessionId, c: input.channelId, ...(input.editing ? { n: input.editing.noteId } : {}) }),
    title: { type: 'plain_text', text: input.editing ? 'Edit your note' : 'Add a note' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      // plain_text needs no escaping: Slack shows it literally.
      { type: 'context', elements: [{ type: 'plain_text', text: truncate(input.topic, 2000) }] },
      {
        type: 'input',
        block_id: BLOCK_IDS.notePhase,
        label: { type: 'plain_text', text: 'Phase' },
        element: { type: 'static_select', action_id: ACTION_IDS.notePhase, options: phaseOptions, ...(phase ? { initial_option: phase } : {}) },
      },
      {
        type: 'input',
        block_id: BLOCK_IDS.noteKind,
        label: { type: 'plain_text', text: 'Kind' },
        element: { type: 'static_select', action_id: ACTION_IDS.noteKind, options: kindOptions, ...(kind ? { initial_option: kind } : {}) },
      },
      {
        type: 'input',
        block_id: BLOCK_IDS.noteText,
        label: { type: 'plain_text', text: 'Note' },
        element: {
          type: 'plain_text_input',
          action_id: ACTION_IDS.noteText,
          multiline: true,
          max_length: MAX_NOTE_LENGTH,
          ...(input.initialText ? { initial_value: clip(input.initialText, MAX_NOTE_LENGTH) } : {}),
          placeholder: { type: 'plain_text', text: 'e.g. Reads outnumber writes 100:1, so cache the redirect lookups' },
        },
      },
      ...(input.panel
        ? [
            {
              type: 'input' as const,
              block_id: BLOCK_IDS.noteVisibility,
              label: { type: 'plain_text' as const, text: 'Visible to' },
              element: {
                type: 'radio_buttons' as const,
                action_id: ACTION_IDS.noteVisibility,
                options: VISIBILITY_OPTIONS,
                initial_option: visibility as PlainTextOption,
              },
            },
          ]
        : []),
    ],
  };
}

/** The note modal for a session, opening on the phase under way (where it was paused, if it is). */
export function renderNoteModalFor(session: Session, now: number, initialText?: string, panel = false): ModalView {
  return renderNoteModal({
    panel,
    sessionId: session.id,
    channelId: session.channelId,
    topic: session.topic,
    phaseIndex: currentPhaseIndex(session.phases, session.pausedAt ?? now),
    ...(initialText ? { initialText } : {}),
  });
}

const StateValue = z.object({
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
});
const NoteState = z.record(z.string(), z.record(z.string(), StateValue));

export type NoteFormResult =
  | { ok: true; phaseIndex: number; kind: NoteKind; text: string; visibility: NoteVisibility }
  | { ok: false; errors: Record<string, string> };

/** Reads the modal's state; errors are keyed by block id, ready for `response_action: 'errors'`. */
export function parseNoteForm(values: unknown): NoteFormResult {
  const parsed = NoteState.safeParse(values);
  const state = parsed.success ? parsed.data : {};
  const errors: Record<string, string> = {};
  const text = (state[BLOCK_IDS.noteText]?.[ACTION_IDS.noteText]?.value ?? '').trim();
  // Only invisible characters (a zero-width space) would be a note that shows nothing.
  if (isBlank(text)) errors[BLOCK_IDS.noteText] = 'Write something first: a note cannot be empty.';
  else if (text.length > MAX_NOTE_LENGTH) errors[BLOCK_IDS.noteText] = `Keep it under ${MAX_NOTE_LENGTH} characters (this is ${text.length}).`;
  const phaseRaw = state[BLOCK_IDS.notePhase]?.[ACTION_IDS.notePhase]?.selected_option?.value ?? '';
  // Only the option values we rendered ("0".."3"): Number('') would be 0, so parse strictly.
  const phaseIndex = /^\d$/.test(phaseRaw) ? Number(phaseRaw) : -1;
  if (phaseIndex < 0 || phaseIndex >= PHASES.length) errors[BLOCK_IDS.notePhase] = 'Pick a phase.';
  const kind = state[BLOCK_IDS.noteKind]?.[ACTION_IDS.noteKind]?.selected_option?.value ?? '';
  if (!isNoteKind(kind)) errors[BLOCK_IDS.noteKind] = 'Pick a kind.';
  // Only offered to the panel; absent (or anything else) means everyone.
  const visibility: NoteVisibility = state[BLOCK_IDS.noteVisibility]?.[ACTION_IDS.noteVisibility]?.selected_option?.value === 'interviewers' ? 'interviewers' : 'everyone';
  if (Object.keys(errors).length > 0 || !isNoteKind(kind)) return { ok: false, errors };
  return { ok: true, phaseIndex, kind, text, visibility };
}

/** The note modal prefilled with one of the person's notes, to change it. */
export function renderEditNoteModal(session: Session, note: Note, panel: boolean): ModalView {
  return renderNoteModal({
    panel,
    sessionId: session.id,
    channelId: session.channelId,
    topic: session.topic,
    phaseIndex: note.phaseIndex,
    initialText: note.text,
    editing: { noteId: note.id, kind: note.kind, visibility: note.visibility ?? 'everyone' },
  });
}
