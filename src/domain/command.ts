/** The `/mockdesign` grammar: turns the command text into what the user asked for, or says what is wrong. */
import { DEFAULT_PLAN, parsePlan, type Plan } from './plan.ts';
import { clip } from './text.ts';

export const MAX_TOPIC_LENGTH = 200;
export const MAX_NOTE_LENGTH = 3000;
export const MAX_INTERVIEWERS = 10;

export type Command =
  | { kind: 'start'; topic: string; plan: Plan; interviewers: string[] }
  | { kind: 'status' }
  | { kind: 'next' }
  | { kind: 'end' }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'note'; text: string }
  | { kind: 'help'; unknown?: string }
  | { kind: 'invalid'; message: string };

/** A user reference as Slack sends it in escaped command text: `<@U123>` or `<@U123|name>`. */
const USER_REF = /^<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>$/;

/**
 * Parses the text after `/mockdesign`. `text` must already have Slack's HTML entities decoded.
 * Never throws: every input maps to a command, `help` or `invalid` with a message for the user.
 */
export function parseCommand(text: string): Command {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'help' };
  const [first = '', ...restParts] = trimmed.split(/\s+/);
  const verb = first.toLowerCase();
  const rest = trimmed.slice(first.length).trim();
  switch (verb) {
    case 'start':
      return parseStart(restParts);
    case 'status':
    case 'next':
    case 'end':
    case 'pause':
    case 'resume':
      return { kind: verb };
    case 'note':
      return parseNote(rest);
    case 'help':
      return { kind: 'help' };
    default:
      return { kind: 'help', unknown: clip(first) };
  }
}

function parseNote(text: string): Command {
  if (text === '') return { kind: 'invalid', message: 'A note needs some text, e.g. `/mockdesign note Reads outnumber writes 100:1`.' };
  if (text.length > MAX_NOTE_LENGTH) {
    return { kind: 'invalid', message: `A note can be at most ${MAX_NOTE_LENGTH} characters; this one has ${text.length}.` };
  }
  return { kind: 'note', text };
}

function parseStart(tokens: string[]): Command {
  let plan: Plan = DEFAULT_PLAN;
  const interviewers: string[] = [];
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
      const value = inline ?? tokens[++i];
      if (!value) return { kind: 'invalid', message: 'Give `--plan` a value, e.g. `--plan 5/20/15/5`.' };
      const parsed = parsePlan(value);
      if (!parsed.ok) return { kind: 'invalid', message: parsed.error };
      plan = parsed.value;
    } else if (name === 'interviewer' || name === 'interviewers' || name === 'with') {
      const values = inline ? [inline] : [];
      while (i + 1 < tokens.length && USER_REF.test(tokens[i + 1] ?? '')) values.push(tokens[++i] ?? '');
      if (values.length === 0) {
        return { kind: 'invalid', message: 'Name interviewers with mentions, e.g. `--interviewer @alex @sam`.' };
      }
      for (const value of values) {
        const id = USER_REF.exec(value)?.[1];
        if (!id) return { kind: 'invalid', message: `\`${clip(value)}\` is not a person: mention them, e.g. \`--interviewer @alex\`.` };
        if (!interviewers.includes(id)) interviewers.push(id);
      }
    } else {
      return { kind: 'invalid', message: `I don't know the option \`--${clip(flag, 30)}\`. Options are \`--plan\` and \`--interviewer\`.` };
    }
  }
  const title = topic.join(' ');
  if (title === '') {
    return { kind: 'invalid', message: 'Give the session a topic, e.g. `/mockdesign start Design a URL shortener`.' };
  }
  if (title.length > MAX_TOPIC_LENGTH) {
    return { kind: 'invalid', message: `A topic can be at most ${MAX_TOPIC_LENGTH} characters; this one has ${title.length}.` };
  }
  if (interviewers.length > MAX_INTERVIEWERS) {
    return { kind: 'invalid', message: `At most ${MAX_INTERVIEWERS} interviewers per session.` };
  }
  return { kind: 'start', topic: title, plan, interviewers };
}
