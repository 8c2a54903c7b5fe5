/** Notes people take during a session: what kinds there are and what a stored note carries. */
export const NOTE_KINDS = [
  { value: 'requirement', label: 'Requirement' },
  { value: 'api', label: 'API' },
  { value: 'component', label: 'Component' },
  { value: 'data_model', label: 'Data model' },
  { value: 'trade_off', label: 'Trade-off' },
  { value: 'question', label: 'Question' },
  { value: 'feedback', label: 'Feedback' },
] as const;

export type NoteKind = (typeof NOTE_KINDS)[number]['value'];

export function isNoteKind(value: string): value is NoteKind {
  return NOTE_KINDS.some((k) => k.value === value);
}

export function noteKindLabel(kind: NoteKind): string {
  return NOTE_KINDS.find((k) => k.value === kind)?.label ?? kind;
}

/** The kind a new note most likely has in each phase, so the modal opens with a sensible default. */
export const DEFAULT_KIND_BY_PHASE: readonly NoteKind[] = ['requirement', 'component', 'trade_off', 'feedback'];

/** Who may read a note: everyone in the channel, or only the interviewers of a live interview. */
export type NoteVisibility = 'everyone' | 'interviewers';

/** A note for the thread and the public summary (interviewers-only notes stay out of both). */
export function isPublicNote(note: Pick<Note, 'visibility'>): boolean {
  return (note.visibility ?? 'everyone') === 'everyone';
}

export interface Note {
  readonly id: number;
  readonly sessionId: string;
  readonly phaseIndex: number;
  readonly kind: NoteKind;
  readonly authorId: string;
  readonly text: string;
  readonly createdAt: number;
  /** Absent means everyone. */
  readonly visibility?: NoteVisibility;
}
