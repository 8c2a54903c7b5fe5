/** The `/mockdesign` grammar: turns the command text into what the user asked for, or says what is wrong. */
import { isZeroDuration, parseDuration } from './duration.ts';
import { type Level, LEVEL_EXAMPLE, parseLevel } from './levels.ts';
import { isNoteKind, NOTE_KINDS, type NoteKind } from './notes.ts';
import { DEFAULT_PLAN, parsePlan, type Plan } from './plan.ts';
import { parseSessionRef, type SessionRef } from './export.ts';
import { clip, isBlank } from './text.ts';

export const MAX_TOPIC_LENGTH = 200;
export const MAX_NOTE_LENGTH = 3000;
export const MAX_INTERVIEWERS = 10;
export const MAX_OBSERVERS = 20;
/** How much one `extend` may add to the phase under way. */
export const MAX_EXTEND_MS = 7 * 24 * 3600_000;

export interface StartRequest {
  /** Empty with `random`: a prompt from the bank is picked. */
  readonly topic: string;
  readonly plan: Plan;
  readonly interviewers: string[];
  readonly candidate: string | undefined;
  readonly observers: string[];
  readonly level: Level | undefined;
  /** `--random`: a prompt from the bank not yet used in this channel. */
  readonly random: boolean;
  /** `--async`: a study group's session over days (members, reminders, deadline digests). */
  readonly isAsync: boolean;
  /** `--private-scores`: a live interview's scorecard goes to its candidate and panel privately, not into the thread. */
  readonly privateScores: boolean;
}

export type Command =
  | ({ kind: 'start' } & StartRequest)
  /** `start` alone: the start form. */
  | { kind: 'start_form' }
  | { kind: 'status' }
  /** Your own notes in this session, to edit or delete until the summary. */
  | { kind: 'notes' }
  /** The channel's recent sessions, with what each phase received. */
  | { kind: 'history' }
  | { kind: 'next' }
  | { kind: 'end' }
  | { kind: 'pause' }
  | { kind: 'resume' }
  /** A recurring session in this channel: "every tue 18:00" or a cron expression, in a zone. */
  | { kind: 'schedule'; recurrence: string; tz: string | undefined; plan: Plan | undefined; isAsync: boolean }
  | { kind: 'schedules' }
  | { kind: 'unschedule'; id: string }
  /** Hand the session to someone else. */
  | { kind: 'host'; userId: string }
  /** Add time to the phase under way. */
  | { kind: 'extend'; ms: number }
  | { kind: 'note'; text: string; noteKind: NoteKind | undefined }
  /** Upload the session to its thread as Markdown and CSV: the live or latest one here, or the one named. */
  | { kind: 'export'; ref: SessionRef | undefined }
  /** `suggestion`: the command a mistyped one is closest to (`shedule` → `schedule`), when one is. */
  | { kind: 'help'; unknown?: string; suggestion?: string }
  | { kind: 'invalid'; message: string };

/**
 * Why private scores were refused: they keep a candidate's scores between that candidate and the panel, so the
 * session needs a candidate. Plain words, for the form as well.
 */
export const PRIVATE_SCORES_NEED_CANDIDATE =
  "Private scores keep a candidate's scores between them and the panel: name the candidate as well, or leave the scores out.";

/** A user reference as Slack sends it in escaped command text: `<@U123>` or `<@U123|name>`. */
const USER_REF = /^<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>$/;

/** Every option name the grammar knows, for undoSmartDashes. */
const OPTION_NAMES = ['plan', 'async', 'candidate', 'interviewers', 'interviewer', 'with', 'observers', 'observer', 'level', 'random', 'kind', 'tz', 'private-scores'];
const SMART_DASH_OPTION = new RegExp(`(^|\\s)[\u2014\u2013](${OPTION_NAMES.join('|')})(?=[\\s=]|$)`, 'gi');

/**
 * Phones and Macs with smart punctuation turn a typed `--` into a dash (`—plan`), and the option would silently
 * become part of the topic. A dash that starts a word and is followed by an option's name is read as `--`; any
 * other dash (`Design X — the hard way`) stays as typed.
 */
function undoSmartDashes(text: string): string {
  return text.replace(SMART_DASH_OPTION, '$1--$2');
}

/** How long a piece of free text (a topic, a note) is as the person typed it. */
export type TextLength = (text: string) => number;

/**
 * Parses the text after `/mockdesign`. Never throws: every input maps to a command, `help` or `invalid` with a
 * message for the user. Limits on free text are measured with `length`: text that reaches us encoded (Slack sends
 * `&` as `&amp;`, a mention as `<@U…|name>`) must be measured as it was typed, so the caller that knows the encoding
 * passes a function that counts the plain text.
 */
export function parseCommand(text: string, length: TextLength = (t) => t.length): Command {
  const trimmed = undoSmartDashes(text).trim();
  if (trimmed === '') return { kind: 'help' };
  const [first = '', ...restParts] = trimmed.split(/\s+/);
  const verb = first.toLowerCase();
  const rest = trimmed.slice(first.length).trim();
  switch (verb) {
    case 'start':
      return restParts.length === 0 ? { kind: 'start_form' } : parseStart(restParts, length);
    case 'end':
      // `end phase` reads as "end this phase", but end ends the whole session and posts its summary, which cannot be
      // taken back. Other words after it (`end session`, `end now`) are read as end, as before.
      if (/\bphase\b/i.test(rest)) {
        return { kind: 'invalid', message: '`/mockdesign end` ends the whole session and posts its summary, so nothing was ended. To move on to the next phase, type `/mockdesign next`; to end the session, `/mockdesign end` alone.' };
      }
      return { kind: verb };
    case 'status':
    case 'notes':
    case 'next':
    case 'pause':
    case 'resume':
    case 'history':
      return { kind: verb };
    case 'note':
      return parseNote(rest, length);
    case 'host':
      return parseHost(restParts);
    case 'schedule':
      return parseSchedule(rest);
    case 'schedules':
      return { kind: 'schedules' };
    case 'unschedule': {
      // `schedules` shows ids in backticks, and a pasted id brings them along.
      const id = restParts.length === 1 ? (restParts[0] ?? '').replace(/^`+|`+$/g, '') : '';
      return /^[A-Za-z0-9_-]{1,16}$/.test(id)
        ? { kind: 'unschedule', id }
        : { kind: 'invalid', message: 'Give the id of the schedule to remove, e.g. `/mockdesign unschedule Ab3dE9fG` (`/mockdesign schedules` lists them).' };
    }
    case 'extend':
      return parseExtend(rest);
    case 'export':
      return parseExport(rest);
    case 'help':
      return { kind: 'help' };
    default:
      // `+5` is `extend 5`: any duration may follow the plus, and what comes after it is read too, never dropped.
      if (/^\+./.test(first)) return parseExtend(trimmed.slice(1));
      // `+ 5 min`: the plus alone, the duration after a space.
      if (first === '+' && rest !== '') return parseExtend(rest);
      {
        const suggestion = closestVerb(verb);
        return { kind: 'help', unknown: clipEncoded(first), ...(suggestion ? { suggestion } : {}) };
      }
  }
}

/** The commands, as typed after `/mockdesign`. */
export const VERBS = ['start', 'status', 'note', 'notes', 'next', 'pause', 'resume', 'extend', 'end', 'host', 'history', 'schedule', 'schedules', 'unschedule', 'export', 'help'] as const;

/**
 * The command a mistyped word most likely meant: one it begins (`stat`, `sched`: the shortest such), else the one
 * fewest edits away (a letter left out, added, changed or two swapped), at most one edit for a short word and two for
 * a longer one, so that a word unlike any command suggests nothing. Ties go to the command listed first.
 */
export function closestVerb(word: string): string | undefined {
  if (word.length < 3) return undefined;
  const begun = VERBS.filter((verb) => verb.startsWith(word)).sort((a, b) => a.length - b.length)[0];
  if (begun) return begun;
  const allowed = word.length <= 4 ? 1 : 2;
  let best: { verb: string; distance: number } | undefined;
  for (const verb of VERBS) {
    const distance = editDistance(word, verb);
    if (distance <= allowed && (!best || distance < best.distance)) best = { verb, distance };
  }
  return best?.verb;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      row[j] = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] ?? 0, ((d[i - 2] as number[])[j - 2] ?? 0) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] ?? 0;
}

/**
 * `clip` for text as Slack sends it, where `&`, `<` and `>` arrive as `&amp;`, `&lt;` and `&gt;`: a cut inside one
 * would quote back `&am…`, which the person never typed, so the partial one goes too.
 */
function clipEncoded(text: string): string {
  const clipped = clip(text);
  if (clipped === text) return text;
  return clipped.replace(/&(?:a(?:mp?)?|lt?|gt?)?…$/, '…');
}

/**
 * An option that takes one value, given twice (`--plan 10/25/20/5 … --plan 1/1/1/1`): taking either silently could
 * start something the person did not mean, so they are asked to keep one.
 */
function givenTwice(name: string): Command {
  return { kind: 'invalid', message: `\`--${name}\` is given more than once: keep one.` };
}

const KIND_ALIASES: Record<string, NoteKind> = { tradeoff: 'trade_off', 'trade-off': 'trade_off', datamodel: 'data_model', 'data-model': 'data_model', req: 'requirement' };
const KIND_LIST = NOTE_KINDS.map((k) => `\`${k.value.replace('_', '')}\``).join(', ');

/** `note [--kind K] <text>`: the option comes first, the rest is the note, as typed. */
function parseNote(text: string, length: TextLength): Command {
  let rest = text;
  let noteKind: NoteKind | undefined;
  for (;;) {
    const option = /^--([a-z-]+)(?:=(\S+))?(?:\s+|$)/i.exec(rest);
    if (!option) break;
    const name = (option[1] ?? '').toLowerCase();
    rest = rest.slice(option[0].length);
    if (name === 'kind') {
      if (noteKind !== undefined) return givenTwice('kind');
      let value = option[2];
      if (value === undefined) {
        const next = /^(\S+)\s*/.exec(rest);
        value = next?.[1];
        rest = rest.slice(next?.[0].length ?? 0);
      }
      if (value === undefined) return { kind: 'invalid', message: `Give \`--kind\` a value, e.g. \`--kind tradeoff\`. Kinds: ${KIND_LIST}.` };
      const key = value.toLowerCase();
      const kind = KIND_ALIASES[key] ?? (isNoteKind(key) ? key : undefined);
      if (!kind) return { kind: 'invalid', message: `\`${clip(value, 30)}\` is not a kind of note. Kinds: ${KIND_LIST}.` };
      noteKind = kind;
    } else {
      return { kind: 'invalid', message: `I don't know the note option \`--${clip(name, 30)}\`. The option is \`--kind\`, e.g. \`--kind tradeoff\`.` };
    }
  }
  rest = rest.trim();
  if (isBlank(rest)) return { kind: 'invalid', message: 'A note needs some text, e.g. `/mockdesign note Reads outnumber writes 100:1`.' };
  const typed = length(rest);
  if (typed > MAX_NOTE_LENGTH) {
    return { kind: 'invalid', message: `A note can be at most ${MAX_NOTE_LENGTH} characters; this one has ${typed}.` };
  }
  return { kind: 'note', text: rest, noteKind };
}

/** The async plan a study group gets when it names none: a week, mostly for the design and the deep dive. */
export const ASYNC_DEFAULT_PLAN: Plan = [1, 2, 2, 1].map((d) => d * 86_400_000);

/** What may continue a plan the spaces cut apart: a number, a `/` or `,`, or a unit written out ("min/20"). */
const PLAN_CONTINUES = /^(?:[\d/,]|(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)(?:[/,]|$))/i;

/**
 * The value of `--plan`, which starts at `tokens[at]` (or is `inline`). The words are split at spaces, so a plan
 * typed with them (`5 min/20 min/15 min/5 min`, `30s 30s 30s 30s`) arrives in pieces: when the first piece is no
 * plan, the pieces that follow and can only be part of one are read with it, so that it is taken whole or refused
 * with advice about the whole. A plan that reads as one is never extended: the topic after it stays the topic.
 */
function planValue(tokens: string[], at: number, inline: string | undefined): { value: string | undefined; next: number } {
  let value = inline ?? tokens[at];
  let next = inline === undefined ? at : at - 1;
  if (value === undefined || value === '' || parsePlan(value).ok) return { value, next };
  while (next + 1 < tokens.length && PLAN_CONTINUES.test(tokens[next + 1] ?? '')) value += ` ${tokens[++next] ?? ''}`;
  return { value, next };
}

/** `schedule "every tue 18:00" [--tz Europe/Berlin] [--async] [--plan …]`; the quotes may be curly, or left out. */
function parseSchedule(text: string): Command {
  const example = 'e.g. `/mockdesign schedule "every tue 18:00" --tz Europe/Berlin`';
  const quoted = /^["“”']([^"“”']+)["“”'](.*)$/s.exec(text);
  // Options with no when before them (`schedule --tz Europe/Paris`) leave the when empty: asked for, not misread.
  const recurrence = (quoted ? quoted[1] : ` ${text}`.split(/\s--/)[0])?.trim() ?? '';
  const rest = quoted ? (quoted[2] ?? '') : text.slice(recurrence.length);
  if (recurrence === '') return { kind: 'invalid', message: `Say when, ${example}.` };
  let tz: string | undefined;
  let plan: Plan | undefined;
  let isAsync = false;
  const tokens = rest.trim().split(/\s+/).filter((t) => t !== '');
  for (let i = 0; i < tokens.length; i++) {
    const [flag = '', inline] = (tokens[i] ?? '').replace(/^--/, '').split(/=(.*)/s);
    if (!(tokens[i] ?? '').startsWith('--')) return { kind: 'invalid', message: `\`${clip(tokens[i] ?? '')}\` is not an option; put the schedule in quotes, ${example}.` };
    const name = flag.toLowerCase();
    if (name === 'async') isAsync = true;
    else if (name === 'tz') {
      if (tz !== undefined) return givenTwice('tz');
      tz = inline ?? tokens[++i];
      if (!tz) return { kind: 'invalid', message: 'Give `--tz` a zone, e.g. `--tz Europe/Berlin`.' };
    } else if (name === 'plan') {
      if (plan !== undefined) return givenTwice('plan');
      const read = planValue(tokens, i + 1, inline);
      i = read.next;
      const parsed = parsePlan(read.value ?? '');
      if (!parsed.ok) return { kind: 'invalid', message: parsed.error };
      plan = parsed.value;
    } else return { kind: 'invalid', message: `I don't know the option \`--${clip(flag, 30)}\`. Options are \`--tz\`, \`--async\` and \`--plan\`.` };
  }
  return { kind: 'schedule', recurrence: recurrence.replace(/^every\s+/i, 'every '), tz, plan, isAsync };
}

/** `export [session]`: nothing, a session id, or a link to the session message (a link's label may hold spaces). */
function parseExport(text: string): Command {
  if (text === '') return { kind: 'export', ref: undefined };
  if (!/^<[^<>]*>$/.test(text) && /\s/.test(text)) {
    return { kind: 'invalid', message: 'Export one session at a time: `/mockdesign export` for the latest one here, or give its id or a link to its session message.' };
  }
  const ref = parseSessionRef(text);
  return ref.ok ? { kind: 'export', ref: ref.value } : { kind: 'invalid', message: ref.error };
}

/** `host @sam`: one person, mentioned. Several named (`@bob @carol`, `@bob,@carol`) are refused: a session has one host. */
function parseHost(tokens: string[]): Command {
  const mentions = tokens.every((t) => MENTION_LIST.test(t)) ? tokens.flatMap(mentionsIn) : [];
  const ids = new Set(mentions.map((m) => USER_REF.exec(m)?.[1]));
  const [id] = ids;
  if (id && ids.size === 1) return { kind: 'host', userId: id };
  if (ids.size > 1 || tokens.filter((t) => t.startsWith('<@') || t.startsWith('@')).length > 1) {
    return { kind: 'invalid', message: 'A session has one host: mention one person, e.g. `/mockdesign host @sam`.' };
  }
  // Slack sends an `@name` it could not resolve (a typo, someone outside the workspace) as plain text.
  const typed = tokens.length === 1 ? tokens[0] : undefined;
  if (typed?.startsWith('@')) return { kind: 'invalid', message: `\`${clip(typed)}\` is not a person Slack knows: pick them from Slack's list as you type, e.g. \`/mockdesign host @sam\`.` };
  return { kind: 'invalid', message: 'Name the new host with a mention, e.g. `/mockdesign host @sam`.' };
}

function parseExtend(text: string): Command {
  const value = text.replace(/^\+/, '').trim() || '5m';
  // "`0` is not longer than zero" would only say back what they know: they are told what to give instead.
  if (isZeroDuration(value)) return { kind: 'invalid', message: 'Give a duration longer than zero, such as `5m`.' };
  const parsed = parseDuration(value);
  if (!parsed.ok) return { kind: 'invalid', message: `${parsed.error}. Try \`/mockdesign extend 5m\` or \`/mockdesign extend 1d\`.` };
  if (parsed.value > MAX_EXTEND_MS) return { kind: 'invalid', message: 'A phase can be extended by at most 7 days at a time.' };
  return { kind: 'extend', ms: parsed.value };
}

/** One or more mentions written as a list: `<@U1>,` or `<@U1>,<@U2>` (people type `@alex, @sam`). */
const MENTION_LIST = /^(?:<@[UW][A-Z0-9]{2,}(?:\|[^<>]*)?>,?)+$/;

/** The mentions of a list, split at the commas between them (a comma inside a name stays). */
function mentionsIn(token: string): string[] {
  return token.split(/(?<=>),/).filter((part) => part !== '');
}

function unknownPerson(flag: string, typed: string): string {
  return `\`${clip(typed)}\` after \`--${flag}\` is not a person Slack knows: pick them from Slack's list as you type, e.g. \`--${flag} @alex\`.`;
}

/** Reads the mentions that follow a flag; a word there that is not a mention is a mistake, never part of the topic. */
function mentionsAfter(flag: string, tokens: string[], at: number, inline: string | undefined): { ids: string[]; next: number } | { error: string } {
  const values = inline ? mentionsIn(inline) : [];
  let i = at;
  while (i + 1 < tokens.length && MENTION_LIST.test(tokens[i + 1] ?? '')) values.push(...mentionsIn(tokens[++i] ?? ''));
  // An `@name` after the flag or its mentions is a person Slack could not resolve (a typo, someone outside the
  // workspace): Slack sends it as plain text. It must not slip into the topic, and "mention them" would tell the
  // person to do what they did.
  const unresolved = tokens[i + 1];
  if (unresolved?.startsWith('@')) return { error: unknownPerson(flag, unresolved) };
  if (values.length === 0) {
    const word = tokens[i + 1];
    return {
      error:
        word && !word.startsWith('--')
          ? `\`${clip(word)}\` after \`--${flag}\` is not a person: mention them, e.g. \`--${flag} @alex\`.`
          : `Name ${flag === 'candidate' ? 'the candidate' : `${flag}s`} with mentions, e.g. \`--${flag} @alex\`.`,
    };
  }
  const ids: string[] = [];
  for (const value of values) {
    const id = USER_REF.exec(value)?.[1];
    if (!id) return { error: value.startsWith('@') ? unknownPerson(flag, value) : `\`${clip(value)}\` is not a person: mention them, e.g. \`--${flag} @alex\`.` };
    if (!ids.includes(id)) ids.push(id);
  }
  return { ids, next: i };
}

function parseStart(tokens: string[], length: TextLength): Command {
  let plan: Plan | undefined;
  let isAsync = false;
  const interviewers: string[] = [];
  const observers: string[] = [];
  let candidate: string | undefined;
  let level: Level | undefined;
  let random = false;
  let privateScores = false;
  const topic: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    if (!token.startsWith('--')) {
      topic.push(token);
      continue;
    }
    const [flag = '', inline] = token.slice(2).split(/=(.*)/s);
    const name = flag.toLowerCase();
    if (name === 'plan') {
      if (plan !== undefined) return givenTwice('plan');
      const read = planValue(tokens, i + 1, inline);
      i = read.next;
      const value = read.value;
      if (!value) return { kind: 'invalid', message: 'Give `--plan` a value, e.g. `--plan 5/20/15/5`.' };
      const parsed = parsePlan(value);
      if (!parsed.ok) return { kind: 'invalid', message: parsed.error };
      plan = parsed.value;
    } else if (name === 'interviewer' || name === 'interviewers' || name === 'with' || name === 'observer' || name === 'observers' || name === 'candidate') {
      const role = name === 'candidate' ? 'candidate' : name.startsWith('observer') ? 'observer' : 'interviewer';
      const read = mentionsAfter(role, tokens, i, inline);
      if ('error' in read) return { kind: 'invalid', message: read.error };
      i = read.next;
      if (role === 'candidate') {
        if (read.ids.length > 1 || (candidate !== undefined && candidate !== read.ids[0])) return { kind: 'invalid', message: 'A session has one candidate.' };
        candidate = read.ids[0];
      } else {
        const into = role === 'observer' ? observers : interviewers;
        for (const id of read.ids) if (!into.includes(id)) into.push(id);
      }
    } else if (name === 'level') {
      if (level !== undefined) return givenTwice('level');
      const value = inline ?? tokens[++i];
      const parsed = parseLevel(value ?? '');
      if (!parsed.ok) return { kind: 'invalid', message: value ? parsed.error : `Give \`--level\` a value: ${LEVEL_EXAMPLE}.` };
      level = parsed.value;
    } else if (name === 'random' || name === 'async' || name === 'private-scores') {
      if (inline !== undefined) return { kind: 'invalid', message: `\`--${name}\` takes no value.` };
      if (name === 'random') random = true;
      else if (name === 'async') isAsync = true;
      else privateScores = true;
    } else {
      return {
        kind: 'invalid',
        message: `I don't know the option \`--${clip(flag, 30)}\`. Options are \`--plan\`, \`--async\`, \`--candidate\`, \`--interviewer\`, \`--observer\`, \`--level\`, \`--private-scores\` and \`--random\`.`,
      };
    }
  }
  // A topic of invisible characters only (a zero-width space, a direction mark) would show as nothing: no topic.
  const title = isBlank(topic.join(' ')) ? '' : topic.join(' ');
  if (random && title !== '') return { kind: 'invalid', message: 'Give a topic or `--random`, not both.' };
  if (title === '' && !random) {
    return { kind: 'invalid', message: 'Give the session a topic, e.g. `/mockdesign start Design a URL shortener`, or `--random` for one from the prompt bank.' };
  }
  const typed = length(title);
  if (typed > MAX_TOPIC_LENGTH) {
    return { kind: 'invalid', message: `A topic can be at most ${MAX_TOPIC_LENGTH} characters; this one has ${typed}.` };
  }
  if (interviewers.length > MAX_INTERVIEWERS) {
    return { kind: 'invalid', message: `At most ${MAX_INTERVIEWERS} interviewers per session.` };
  }
  if (observers.length > MAX_OBSERVERS) return { kind: 'invalid', message: `At most ${MAX_OBSERVERS} observers per session.` };
  if (candidate !== undefined && (interviewers.includes(candidate) || observers.includes(candidate))) {
    return { kind: 'invalid', message: 'The candidate cannot also be an interviewer or an observer: nudges and scores must stay hidden from them.' };
  }
  const both = interviewers.find((id) => observers.includes(id));
  // Named, so that a long list need not be searched for them; a mention as Slack writes one, shown as one.
  if (both) return { kind: 'invalid', message: `<@${both}> is named both interviewer and observer: pick one.` };
  // Private scores are kept between a candidate and the panel: without a candidate there is nobody to keep them for.
  if (privateScores && candidate === undefined) return { kind: 'invalid', message: PRIVATE_SCORES_NEED_CANDIDATE };
  return {
    kind: 'start',
    topic: title,
    plan: plan ?? (isAsync ? ASYNC_DEFAULT_PLAN : DEFAULT_PLAN),
    interviewers,
    candidate,
    observers,
    level,
    random,
    isAsync,
    privateScores,
  };
}
