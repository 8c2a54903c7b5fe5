/** Every Block Kit identifier in one place: renderers set them, listeners and parsers read them. */
export const COMMAND = '/mockdesign';

export const ACTION_IDS = {
  addNote: 'mockdesign_add_note',
  nextPhase: 'mockdesign_next_phase',
  endSession: 'mockdesign_end_session',
  pause: 'mockdesign_pause',
  resume: 'mockdesign_resume',
  extend: 'mockdesign_extend',
  notePhase: 'note_phase',
  noteKind: 'note_kind',
  noteText: 'note_text',
} as const;

export const BLOCK_IDS = {
  controls: 'session_controls',
  notePhase: 'note_phase_block',
  noteKind: 'note_kind_block',
  noteText: 'note_text_block',
} as const;

export const CALLBACK_IDS = {
  noteModal: 'mockdesign_note_modal',
  /** Message shortcut "Save as note" (declared in manifest.yml). */
  saveAsNote: 'mockdesign_save_as_note',
} as const;

/** Slack message metadata type that tags every post with its session and step, so it can be found after a crash. */
export const METADATA_EVENT_TYPE = 'mockdesign_step';
