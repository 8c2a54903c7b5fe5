/** `/mockdesign notes`: the person's own notes in the session, each with Edit and Delete, until the summary. */
import type { KnownBlock } from '@slack/types';
import { type Note, noteKindLabel } from '../../domain/notes.ts';
import type { Session } from '../../domain/session.ts';
import { ACTION_IDS } from '../ids.ts';
import { LIMITS } from '../limits.ts';
import { escapeMrkdwn, phaseName, strong, truncate } from '../mrkdwn.ts';
import { context, fallback, section, type SlackMessage } from './message.ts';

/** Notes listed at most: two blocks each keeps the message well inside Slack's 50 blocks. */
export const MY_NOTES_SHOWN = 15;

/** Room kept for the closing line; the notes listed stay within Slack's size of a message. */
const MAX_CHARS = LIMITS.messageBlockChars - 1000;

export function noteButtonValue(sessionId: string, noteId: number): string {
  return `${sessionId}:${noteId}`;
}

export function decodeNoteButtonValue(value: string | undefined): { sessionId: string; noteId: number } | undefined {
  const match = /^([A-Za-z0-9_-]{1,64}):(\d{1,15})$/.exec(value ?? '');
  return match?.[1] && match[2] ? { sessionId: match[1], noteId: Number(match[2]) } : undefined;
}

/**
 * `done`: what was just done to one of them (a note edited or deleted), said first, so the list that follows is
 * read as the notes as they now are.
 */
export function renderMyNotes(session: Session, notes: readonly Note[], done?: string): SlackMessage {
  const topic = escapeMrkdwn(session.topic);
  if (notes.length === 0) {
    const text = done
      ? `${done} You have no other notes in ${strong(session.topic)}. Add one with *Add note* or \`/mockdesign note …\`.`
      : `You have no notes in ${strong(session.topic)} yet. Add one with *Add note* or \`/mockdesign note …\`.`;
    return { text: fallback(text), blocks: [section(text)] };
  }
  // Newest first: the one just written is the one most likely to need a fix. As many as fit in one message.
  const newest = [...notes].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id).slice(0, MY_NOTES_SHOWN);
  const blocks: KnownBlock[] = [section(`${done ? `${done} ` : ''}Your notes in ${strong(session.topic)} (${notes.length}). You can change them until the summary.`)];
  let chars = JSON.stringify(blocks).length;
  let shown = 0;
  for (const note of newest) {
    const pair = noteBlocks(session, note);
    const size = JSON.stringify(pair).length;
    if (chars + size > MAX_CHARS) break;
    blocks.push(...pair);
    chars += size;
    shown++;
  }
  const left = notes.length - shown;
  if (left > 0) blocks.push(context(left === 1 ? 'The 1 older one is not shown here.' : `The ${left} older ones are not shown here.`));
  return { text: fallback(`${done ? `${done} ` : ''}Your notes in ${topic}`), blocks };
}

/** A note and its Edit and Delete buttons. */
function noteBlocks(session: Session, note: Note): KnownBlock[] {
  const where = `*${phaseName(note.phaseIndex)}* · _${noteKindLabel(note.kind)}_${note.visibility === 'interviewers' ? ' · 🔒 interviewers only' : ''}`;
  const value = noteButtonValue(session.id, note.id);
  return [
    section(`${where}\n${escapeMrkdwn(truncate(note.text, 500))}`),
    {
      type: 'actions',
      elements: [
        { type: 'button', action_id: ACTION_IDS.editNote, text: { type: 'plain_text', text: 'Edit' }, value },
        {
          type: 'button',
          action_id: ACTION_IDS.deleteNote,
          text: { type: 'plain_text', text: 'Delete' },
          style: 'danger',
          value,
          confirm: {
            title: { type: 'plain_text', text: 'Delete this note?' },
            text: { type: 'plain_text', text: 'It will not be in the summary.' },
            confirm: { type: 'plain_text', text: 'Delete' },
            deny: { type: 'plain_text', text: 'Keep it' },
          },
        },
      ],
    },
  ];
}
