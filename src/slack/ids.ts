/** Every Block Kit identifier in one place: renderers set them, listeners and parsers read them. */
export const COMMAND = '/mockdesign';

export const ACTION_IDS = {
  addNote: 'mockdesign_add_note',
  nextPhase: 'mockdesign_next_phase',
  endSession: 'mockdesign_end_session',
  pause: 'mockdesign_pause',
  resume: 'mockdesign_resume',
  extend: 'mockdesign_extend',
  editNote: 'mockdesign_edit_note',
  deleteNote: 'mockdesign_delete_note',
  notePhase: 'note_phase',
  noteKind: 'note_kind',
  noteText: 'note_text',
  noteVisibility: 'note_visibility',
  score: 'mockdesign_score',
  scoreRedFlags: 'score_red_flags',
  scoreRecommendation: 'score_recommendation',
  scoreStrengths: 'score_strengths',
  scoreImprovements: 'score_improvements',
  /** An async session's membership: join, leave, and mute its reminders. */
  join: 'mockdesign_join',
  leave: 'mockdesign_leave',
  mute: 'mockdesign_mute',
  /** A link button (opens the thread): Slack still sends an action, which is only acked. */
  openThread: 'mockdesign_open_thread',
} as const;

export const BLOCK_IDS = {
  controls: 'session_controls',
  notePhase: 'note_phase_block',
  noteKind: 'note_kind_block',
  noteText: 'note_text_block',
  noteVisibility: 'note_visibility_block',
  /** The session message's second row of buttons, for a live interview: Score. */
  scoring: 'session_scoring',
  /** An async session's Join / Leave row. */
  membership: 'session_membership',
  scoreRedFlags: 'score_red_flags_block',
  scoreRecommendation: 'score_recommendation_block',
  scoreStrengths: 'score_strengths_block',
  scoreImprovements: 'score_improvements_block',
} as const;

/** The scorecard form's per-dimension blocks and elements, keyed by the rubric's dimension keys. */
export const SCORE_IDS = {
  scoreBlock: (dimension: string) => `score_${dimension}_block`,
  scoreAction: (dimension: string) => `score_${dimension}`,
  evidenceBlock: (dimension: string) => `evidence_${dimension}_block`,
  evidenceAction: (dimension: string) => `evidence_${dimension}`,
} as const;

export const CALLBACK_IDS = {
  noteModal: 'mockdesign_note_modal',
  startModal: 'mockdesign_start_modal',
  /** Message shortcut "Save as note" (declared in manifest.yml). */
  saveAsNote: 'mockdesign_save_as_note',
  scorecardModal: 'mockdesign_scorecard_modal',
  /** The cards shown read-only once revealed: a view without a submit button, so no listener. */
  scorecardsView: 'mockdesign_scorecards_view',
} as const;

/** Slack message metadata type that tags every post with its session and step, so it can be found after a crash. */
export const METADATA_EVENT_TYPE = 'mockdesign_step';
