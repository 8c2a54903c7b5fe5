/**
 * What `/mockdesign export` uploads to a session's thread: the session as a Markdown document (plan and actual time,
 * notes by phase, the summary's reminder, the scorecard) and its notes as a CSV. Pure: every time comes in with the
 * input. Both files go into the thread, which everyone in the channel (the candidate too) reads, so neither ever
 * holds a note kept for the interviewers, nor a scorecard before the public summary would show it.
 */
import { formatDuration } from './duration.ts';
import { levelLabel } from './levels.ts';
import { isPublicNote, type Note, noteKindLabel } from './notes.ts';
import { PHASES } from './phases.ts';
import { err, ok, type Result } from './result.ts';
import { aggregate, describeScore, feedbackForCandidate, type Scorecard, selfAssessmentBeside } from './scorecard.ts';
import type { Session } from './session.ts';
import { summarizeSession, timeAddedNote } from './summary.ts';
import { currentPhaseIndex } from './timeline.ts';

export interface ExportInput {
  readonly session: Session;
  /** Every note of the session; those kept for the interviewers are left out here. */
  readonly notes: readonly Note[];
  /** Everyone who took part, in the order they joined. */
  readonly participants: readonly string[];
  /** The session's cards, the self-assessment among them. Shown only once the session has ended, as in the summary. */
  readonly scorecards?: readonly Scorecard[] | undefined;
  /** People's names by user id, as Slack gave them; anyone missing is named by their id. */
  readonly names?: ReadonlyMap<string, string> | undefined;
  readonly exportedAt: number;
}

// ---------------------------------------------------------------- who may export, and which session

export type ExportRefusal = 'not_participant' | 'candidate_live';

/**
 * Who may export a session: the people who took part in it (host, interviewers, observers, anyone who wrote a note
 * or steered it). The candidate only once it has ended: until then the export would put the interview on paper while
 * it is still going.
 */
export function exportRefusal(session: Session, userId: string, participants: readonly string[]): ExportRefusal | null {
  if (userId === session.candidateId) return session.status === 'ended' ? null : 'candidate_live';
  const tookPart =
    userId === session.hostId || session.interviewers.includes(userId) || session.observers.includes(userId) || participants.includes(userId);
  return tookPart ? null : 'not_participant';
}

/** Which session `export` is about: one by its id, or the one whose session message a Slack link points at. */
export type SessionRef = { readonly kind: 'id'; readonly id: string } | { readonly kind: 'message'; readonly channelId: string; readonly ts: string };

const SESSION_ID = /^[A-Za-z0-9_-]{6,64}$/;
/** A message link as Slack's "Copy link" gives it: …/archives/<channel>/p<ts without its dot>[?thread_ts=…]. */
const MESSAGE_LINK = /^https:\/\/[^/\s]+\/archives\/([CG][A-Z0-9]{2,31})\/p(\d{7,})(?:\?(\S*))?$/;

/** `<https://…|label>` or `<https://…>` as Slack sends links in escaped command text; anything else as typed. */
function unwrapLink(token: string): string {
  const wrapped = /^<([^<>|]+)(?:\|[^<>]*)?>$/.exec(token);
  return wrapped?.[1] ?? token;
}

/** Slack writes a message's ts in a link without its dot: p1700000000000100 is 1700000000.000100. */
function tsFromLink(digits: string): string {
  return `${digits.slice(0, -6)}.${digits.slice(-6)}`;
}

/**
 * Reads the session an `export` names: its id, or a link to its session message (or to any message of its thread,
 * whose link carries the thread's root). Never throws.
 */
export function parseSessionRef(text: string): Result<SessionRef> {
  const token = unwrapLink(text.trim());
  const link = MESSAGE_LINK.exec(token);
  if (link) {
    const [, channelId = '', digits = '', query = ''] = link;
    const threadTs = new URLSearchParams(query).get('thread_ts');
    const ts = threadTs && /^\d+\.\d+$/.test(threadTs) ? threadTs : tsFromLink(digits);
    return ok({ kind: 'message', channelId, ts });
  }
  if (SESSION_ID.test(token)) return ok({ kind: 'id', id: token });
  return err('Name the session by its id (the export shows it) or by a link to its session message, or leave it out for the latest session in this channel.');
}

// ---------------------------------------------------------------- file names

/** Lower-case words of the topic joined by dashes, for a file name: nothing a file system or a shell reads specially. */
function slug(topic: string): string {
  const words = topic
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return words.slice(0, 48).replace(/-+$/, '') || 'session';
}

export function exportFileNames(session: Pick<Session, 'topic' | 'createdAt'>): { readonly markdown: string; readonly csv: string } {
  const base = `mockdesign-${slug(session.topic)}-${new Date(session.createdAt).toISOString().slice(0, 10)}`;
  return { markdown: `${base}.md`, csv: `${base}-notes.csv` };
}

// ---------------------------------------------------------------- Markdown

/** Control characters and the bidirectional overrides that can make text read differently from what it holds. */
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/**
 * One line of what a person typed, made inert for Markdown: every character CommonMark or GitHub's tables read as
 * syntax is backslash-escaped (an `&` only where it would start an entity, a `!` never: without its `[` it makes no
 * image), so no heading, emphasis, link, image, raw HTML, entity, code or table cell can be injected, and a line that
 * starts like a list, a quote, a rule or a setext underline reads as text.
 */
function mdLine(text: string): string {
  return text
    .replace(INVISIBLE, '')
    .replace(/[\\`*_[\]<>|~#]|&(?=#?[A-Za-z0-9]+;)/g, '\\$&')
    .replace(/^([-+=])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Text on one line (a topic, a heading, a table cell): line breaks become spaces. */
export function mdInline(text: string): string {
  return mdLine(text.replace(/\s+/g, ' ').trim());
}

/**
 * Text that may span lines, inside a list item: each line escaped, blank lines dropped (they would end the item),
 * lines joined by hard breaks and indented under the item.
 */
function mdBlock(text: string, indent: string): string {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((line) => line.replace(INVISIBLE, '').trim())
    .filter((line) => line !== '');
  return lines.map(mdLine).join(`\\\n${indent}`);
}

/** A Slack user id, shown as code: it is ours to write, never a person's free text. */
const userIdCode = (userId: string) => `\`${userId.replace(/[^A-Z0-9]/gi, '')}\``;

/**
 * How the document names people: the file is read outside Slack, where a user id means nothing. By the name Slack
 * gave for them (escaped: a person chose it), with the id beside it when two people share a name, and by the id
 * alone when Slack gave no name.
 */
export function nameWith(names: ReadonlyMap<string, string> | undefined): (userId: string) => string {
  const named = new Map<string, string>();
  for (const [id, name] of names ?? []) {
    const text = mdInline(name);
    if (text !== '') named.set(id, text);
  }
  const uses = new Map<string, number>();
  for (const text of named.values()) uses.set(text, (uses.get(text) ?? 0) + 1);
  return (userId) => {
    const text = named.get(userId);
    if (text === undefined) return userIdCode(userId);
    return (uses.get(text) ?? 0) > 1 ? `${text} (${userIdCode(userId)})` : text;
  };
}

/** 2030-01-01 09:05 UTC: one zone for a group spread over several. */
export function utcTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const END_REASONS: Record<string, string> = {
  ended_by_host: 'ended early by the host',
  channel_not_found: 'stopped: the channel is gone',
  is_archived: 'stopped: the channel was archived',
  paused_too_long: 'ended by itself after a long pause',
};

function statusLine(session: Session, exportedAt: number): string {
  if (session.status === 'ended') {
    const reason = session.endReason ? END_REASONS[session.endReason] : undefined;
    return `ended ${utcTime(session.endedAt ?? exportedAt)}${reason ? ` (${reason})` : ''}`;
  }
  const phase = currentPhaseIndex(session.phases, session.pausedAt ?? exportedAt);
  const name = PHASES[phase]?.name ?? `Phase ${phase + 1}`;
  return `${session.status === 'paused' ? 'paused' : 'under way'} in phase ${phase + 1}, ${mdInline(name)}, when exported`;
}

/**
 * The session as a Markdown document: who took part, the plan against the time each phase really took (and how much
 * of it was paused), every note by phase with its author and kind, the wrap-up reminder and, once the session has
 * ended, the scorecard. Notes kept for the interviewers and card evidence never appear.
 */
export function sessionMarkdown(input: ExportInput): string {
  const { session, exportedAt } = input;
  const ended = session.status === 'ended';
  const notes = input.notes.filter(isPublicNote);
  // A paused session's schedule moves only when it resumes: its time is counted up to the pause, and the pause under
  // way is added to the phase it interrupted.
  const until = ended ? (session.endedAt ?? exportedAt) : (session.pausedAt ?? exportedAt);
  const pausing = !ended && session.pausedAt !== null ? Math.max(0, exportedAt - session.pausedAt) : 0;
  const summary = summarizeSession(session, { participants: input.participants, notes, endedAt: until });
  const who = nameWith(input.names);
  const out: string[] = [];
  out.push(`# ${mdInline(session.topic) || 'Untitled session'}`, '');
  out.push(`Mock system-design interview, exported ${utcTime(exportedAt)}. Session id \`${session.id.replace(/[^A-Za-z0-9_-]/g, '')}\`.`, '');

  out.push('## Overview', '');
  out.push(`- **Host:** ${who(summary.hostId)}`);
  if (summary.candidateId) out.push(`- **Candidate:** ${who(summary.candidateId)}`);
  if (summary.interviewers.length > 0) out.push(`- **Interviewer${summary.interviewers.length > 1 ? 's' : ''}:** ${summary.interviewers.map(who).join(', ')}`);
  if (summary.observers.length > 0) out.push(`- **Observer${summary.observers.length > 1 ? 's' : ''}:** ${summary.observers.map(who).join(', ')}`);
  if (summary.level) out.push(`- **Level:** ${mdInline(levelLabel(summary.level))}`);
  out.push(`- **Took part:** ${summary.participants.map(who).join(', ')}`);
  out.push(`- **Started:** ${utcTime(session.createdAt)}`);
  out.push(`- **Status:** ${statusLine(session, exportedAt)}`);
  out.push(`- **Time:** ${formatDuration(summary.totalPlannedMs)} planned${timeAddedNote(summary.totalAddedMs)}, ${formatDuration(summary.totalActualMs + pausing)} ${ended ? 'taken' : 'so far'}`);
  out.push(`- **Notes:** ${summary.noteCount}`, '');

  out.push('## Plan and actual time', '');
  out.push('| # | Phase | Planned | Actual | Of which paused |', '|---|---|---|---|---|');
  const current = ended ? null : currentPhaseIndex(session.phases, until);
  for (const phase of summary.phases) {
    const extra = phase.index === current ? pausing : 0;
    const paused = phase.pausedMs + extra;
    // The phase under way has begun even at its very first moment.
    const actualMs = phase.actualMs ?? (phase.index === current ? 0 : null);
    const actual = actualMs === null ? 'not reached' : `${formatDuration(actualMs + extra)}${phase.index === current ? ' so far' : ''}`;
    out.push(`| ${phase.index + 1} | ${mdInline(phase.name)} | ${formatDuration(phase.plannedMs)}${timeAddedNote(phase.addedMs)} | ${actual} | ${paused > 0 ? formatDuration(paused) : '–'} |`);
  }
  out.push('');

  out.push('## Notes', '');
  for (const phase of summary.phases) {
    out.push(`### ${phase.index + 1}. ${mdInline(phase.name)}`, '');
    if (phase.notes.length === 0) out.push('No notes.');
    for (const note of phase.notes) {
      out.push(`- **${mdInline(noteKindLabel(note.kind))}** · ${who(note.authorId)} · ${utcTime(note.createdAt)}  \n  ${mdBlock(note.text, '  ')}`);
    }
    out.push('');
  }

  out.push(...scorecardMarkdown(session, input.scorecards, who));

  out.push('## Wrap-up reminder', '', `> ${mdInline(summary.reminder)}`, '');
  return out.join('\n');
}

/**
 * The scorecard as the public summary shows it: nothing before the session has ended, nothing of a scorecard kept
 * private, and no evidence ever.
 */
function scorecardMarkdown(session: Session, scorecards: readonly Scorecard[] | undefined, who: (userId: string) => string): string[] {
  const cards = scorecards ?? [];
  const live = session.candidateId !== null || session.level !== null;
  if (cards.length === 0 && !live) return [];
  const out = ['## Scorecard', ''];
  // Blind until the end: not even how many cards are in. Kept private, they never come here at all.
  if (session.status !== 'ended') {
    const later = session.privateScores ? 'Kept private: the candidate and the panel each get the scorecard privately when the session ends.' : 'The cards are revealed when the session ends.';
    return [...out, later, ''];
  }
  if (cards.length === 0) return [...out, 'No cards were submitted.', ''];
  // The export lands in the thread: a scorecard kept to the candidate and the panel stays out of it too.
  if (session.privateScores) return [...out, 'Kept private: the candidate and the panel each got the scorecard privately.', ''];
  const panel = aggregate(cards);
  const self = cards.find((c) => c.role === 'candidate');
  const scorers = panel.scorers.length === 0 ? 'no panel cards' : `${panel.scorers.length} panel card${panel.scorers.length === 1 ? '' : 's'} (${panel.scorers.map(who).join(', ')})`;
  out.push(`${scorers}${self ? `; self-assessment by ${who(self.scorerId)}` : ''}.`, '');
  out.push(`| Dimension | Panel median | Spread | Self |`, '|---|---|---|---|');
  for (const row of selfAssessmentBeside(panel, self)) {
    // One score agrees with nothing: no spread then, and how many scored it when some of the panel left it out.
    const scoredBy = row.count < row.of ? `, ${row.count} of ${row.of} scored` : '';
    const median = row.median === null ? 'not scored' : `${row.median} (${describeScore(row.median)})${scoredBy}`;
    const selfScore = row.self === null ? '–' : `${row.self} (${describeScore(row.self)})`;
    out.push(`| ${mdInline(row.name)} | ${median} | ${row.spread ?? '–'} | ${self ? selfScore : '–'} |`);
  }
  out.push('');
  out.push(`**Red flags:** ${panel.redFlags.length === 0 ? 'none raised' : panel.redFlags.map((f) => `${mdInline(f.name)} ×${f.count}`).join(', ')}  `);
  const recommended = panel.recommendations.some((r) => r.count > 0);
  out.push(`**Recommendation:** ${recommended ? panel.recommendations.map((r) => `${mdInline(r.label)} ${r.count}`).join(' · ') : 'none given'}`, '');
  const texts = (title: string, entries: readonly { scorerId: string; text: string }[]) =>
    entries.length === 0 ? [] : [`### ${title}`, '', ...entries.map((e) => `- ${who(e.scorerId)}: ${mdBlock(e.text, '  ')}`), ''];
  out.push(...texts('Strengths', panel.strengths), ...texts('Improvements', panel.improvements));
  if (self && (self.strengths !== '' || self.improvements !== '')) {
    out.push(`### In ${who(self.scorerId)}'s own words`, '');
    if (self.strengths) out.push(`- What went well: ${mdBlock(self.strengths, '  ')}`);
    if (self.improvements) out.push(`- What they would do differently: ${mdBlock(self.improvements, '  ')}`);
    out.push('');
  }
  out.push(`### Feedback for ${session.candidateId ? who(session.candidateId) : 'the candidate'}`, '');
  out.push(...feedbackForCandidate(panel, self).lines.map((line) => `- ${mdInline(line)}`), '');
  return out;
}

// ---------------------------------------------------------------- CSV

export const NOTES_CSV_HEADER = ['phase', 'phase_name', 'kind', 'author_id', 'created_at', 'text'] as const;

/**
 * What a spreadsheet would read as a formula (or as the start of one): =, +, -, @, and their full-width forms,
 * after any leading spaces, and a leading tab or carriage return.
 */
const FORMULA_START = /^(?:[\t\r]|\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

/**
 * One CSV field (RFC 4180): a field a spreadsheet would run as a formula gets a leading single quote, then a field
 * holding a comma, a double quote or a line break is quoted with its quotes doubled.
 */
export function csvField(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/**
 * Leads the CSV: without it Excel reads the file in the machine's legacy code page, and a name or note in any
 * other script (an accent, a dash, an emoji) comes out garbled. Spreadsheets and CSV readers that know UTF-8 skip it.
 */
export const UTF8_BOM = '\uFEFF';

/**
 * The session's notes as CSV (RFC 4180: a header row, CRLF line ends, after a UTF-8 byte-order mark), by phase
 * and then in the order they were written. Notes kept for the interviewers are left out.
 */
export function notesCsv(notes: readonly Note[]): string {
  const rows = notes
    .filter(isPublicNote)
    .slice()
    .sort((a, b) => a.phaseIndex - b.phaseIndex || a.createdAt - b.createdAt || a.id - b.id)
    .map((n) => [
      String(n.phaseIndex + 1),
      PHASES[n.phaseIndex]?.name ?? `Phase ${n.phaseIndex + 1}`,
      noteKindLabel(n.kind),
      n.authorId,
      new Date(n.createdAt).toISOString(),
      n.text,
    ]);
  return UTF8_BOM + [[...NOTES_CSV_HEADER], ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}
