/**
 * The history reads' contract, run against SQLite and PostgreSQL alike, through the Store only: a channel's recent
 * sessions with what each phase received, a person's ended sessions and notes, and their scores as a candidate.
 */
import { describe, expect, it } from 'vitest';
import type { NewNote } from '../../../src/app/ports.ts';
import type { Scorecard } from '../../../src/domain/scorecard.ts';
import { MIN, newSession, seed, STORES, T0, useStore, WS } from './stores.ts';

function note(overrides: Partial<NewNote> = {}): NewNote {
  return { sessionId: 's1', phaseIndex: 0, kind: 'requirement', authorId: 'U3', text: 'A note', createdAt: T0 + MIN, dedupeKey: null, ...overrides };
}

function card(overrides: Partial<Scorecard> = {}): Scorecard {
  return {
    scorerId: 'U2',
    role: 'interviewer',
    scores: { requirements: { score: 3, evidence: 'asked about reads' }, estimation: { score: 2 } },
    redFlags: [],
    strengths: 'Clear API',
    improvements: '',
    submittedAt: T0 + MIN,
    updatedAt: T0 + MIN,
    ...overrides,
  };
}

describe.each(STORES)('$name store: history', (factory) => {
  const h = useStore(factory);

  it('lists a channel\'s sessions of one workspace, live and ended, newest first, up to the limit', async () => {
    const { store } = h();
    await seed(
      store,
      newSession({ id: 'old', createdAt: T0 }),
      newSession({ id: 'other-team', teamId: 'T2', createdAt: T0 + 5 * MIN }),
      newSession({ id: 'other-grid', enterpriseId: 'E1', createdAt: T0 + 5 * MIN }),
      newSession({ id: 'elsewhere', channelId: 'C2', createdAt: T0 + 5 * MIN }),
    );
    await store.sessions.end('old', T0 + 40 * MIN, null);
    await seed(store, newSession({ id: 'mid', createdAt: T0 + 50 * MIN }));
    await store.sessions.end('mid', T0 + 60 * MIN, null);
    await seed(store, newSession({ id: 'new', createdAt: T0 + 70 * MIN }));
    await store.sessions.setPermalink('new', 'https://x.slack.com/p/new');

    const history = await store.sessions.channelHistory(WS, 'C1');
    expect(history.map((e) => [e.session.id, e.session.status])).toEqual([
      ['new', 'running'],
      ['mid', 'ended'],
      ['old', 'ended'],
    ]);
    expect(history[0]?.session).toMatchObject({ permalink: 'https://x.slack.com/p/new', hostId: 'U1', interviewers: ['U2'], topic: 'Design a URL shortener' });
    expect(history[0]?.session.phases).toHaveLength(4);
    expect((await store.sessions.channelHistory(WS, 'C1', 2)).map((e) => e.session.id)).toEqual(['new', 'mid']);
    expect((await store.sessions.channelHistory({ teamId: 'T2', enterpriseId: '' }, 'C1')).map((e) => e.session.id)).toEqual(['other-team']);
    expect(await store.sessions.channelHistory(WS, 'C9')).toEqual([]);
  });

  it('counts each session\'s public notes per phase and the people who wrote them', async () => {
    const { store } = h();
    await seed(store, newSession({ id: 's1' }));
    await store.sessions.end('s1', T0 + 45 * MIN, null);
    await seed(store, newSession({ id: 's2', createdAt: T0 + 50 * MIN }));
    await store.sessions.addNote(note({ phaseIndex: 0, authorId: 'U3' }));
    await store.sessions.addNote(note({ phaseIndex: 0, authorId: 'U3' }));
    await store.sessions.addNote(note({ phaseIndex: 0, authorId: 'U4' }));
    await store.sessions.addNote(note({ phaseIndex: 2, authorId: 'U3', kind: 'trade_off' }));
    // Neither a note for the interviewers only nor a deleted one is counted.
    await store.sessions.addNote(note({ phaseIndex: 1, authorId: 'U2', visibility: 'interviewers' }));
    await store.sessions.addNote(note({ phaseIndex: 3, authorId: 'U5', dedupeKey: 'gone' }));
    const gone = (await store.sessions.notes('s1')).find((n) => n.authorId === 'U5');
    expect(await store.sessions.deleteNote('s1', gone?.id ?? 0, 'U5', T0 + 2 * MIN)).toBe(true);
    await store.sessions.addNote(note({ sessionId: 's2', phaseIndex: 1, authorId: 'U6' }));
    // Replies in the thread count too, with the people who gave them.
    await store.members.recordReply('s1', 'U7', 2, '1894006800.000100', T0 + MIN);
    await store.members.recordReply('s1', 'U7', 2, '1894006860.000100', T0 + 2 * MIN);

    const [second, first] = await store.sessions.channelHistory(WS, 'C1');
    expect(first?.activity).toEqual({
      notes: 4,
      replies: 2,
      contributors: 3,
      phases: [
        { phaseIndex: 0, notes: 3, replies: 0, contributors: 2 },
        { phaseIndex: 2, notes: 1, replies: 2, contributors: 2 },
      ],
    });
    expect(second?.activity).toEqual({ notes: 1, replies: 0, contributors: 1, phases: [{ phaseIndex: 1, notes: 1, replies: 0, contributors: 1 }] });
    await seed(store, newSession({ id: 'quiet', channelId: 'C3' }));
    expect((await store.sessions.channelHistory(WS, 'C3'))[0]?.activity).toEqual({ notes: 0, replies: 0, contributors: 0, phases: [] });
  });

  it('lists the ended sessions a person took part in, in any role or by a note, newest first, in their workspace', async () => {
    const { store } = h();
    await seed(
      store,
      newSession({ id: 'hosted', channelId: 'C1', hostId: 'U9', interviewers: [] }),
      newSession({ id: 'interviewed', channelId: 'C2', createdAt: T0 + MIN, interviewers: ['U9'] }),
      newSession({ id: 'candidate', channelId: 'C3', createdAt: T0 + 2 * MIN, interviewers: [], candidateId: 'U9' }),
      newSession({ id: 'observed', channelId: 'C4', createdAt: T0 + 3 * MIN, interviewers: [], observers: ['U9'] }),
      newSession({ id: 'noted', channelId: 'C5', createdAt: T0 + 4 * MIN, interviewers: [] }),
      newSession({ id: 'absent', channelId: 'C6', createdAt: T0 + 5 * MIN, interviewers: [] }),
      newSession({ id: 'live', channelId: 'C7', createdAt: T0 + 6 * MIN, hostId: 'U9', interviewers: [] }),
      newSession({ id: 'other-team', teamId: 'T2', channelId: 'C8', createdAt: T0 + 7 * MIN, hostId: 'U9', interviewers: [] }),
    );
    await store.sessions.addNote(note({ sessionId: 'noted', authorId: 'U9' }));
    for (const id of ['hosted', 'interviewed', 'candidate', 'observed', 'noted', 'absent', 'other-team']) await store.sessions.end(id, T0 + 50 * MIN, null);

    const ended = await store.sessions.endedForUser(WS, 'U9');
    expect(ended.map((s) => s.id)).toEqual(['noted', 'observed', 'candidate', 'interviewed', 'hosted']);
    expect(ended.find((s) => s.id === 'candidate')).toMatchObject({ candidateId: 'U9', status: 'ended', endedAt: T0 + 50 * MIN });
    expect((await store.sessions.endedForUser(WS, 'U9', 2)).map((s) => s.id)).toEqual(['noted', 'observed']);
    expect((await store.sessions.endedForUser({ teamId: 'T2', enterpriseId: '' }, 'U9')).map((s) => s.id)).toEqual(['other-team']);
    expect(await store.sessions.endedForUser(WS, 'U404')).toEqual([]);
  });

  it('lists a person\'s own notes newest first with their session, deleted ones and other workspaces left out', async () => {
    const { store } = h();
    await seed(
      store,
      newSession({ id: 's1', channelId: 'C1', topic: 'Design a feed' }),
      newSession({ id: 's2', channelId: 'C2', topic: 'Design a cache' }),
      newSession({ id: 'x', teamId: 'T2', channelId: 'C3' }),
    );
    await store.sessions.setPermalink('s2', 'https://x.slack.com/p/s2');
    await store.sessions.addNote(note({ sessionId: 's1', authorId: 'U9', text: 'first', createdAt: T0 + MIN }));
    await store.sessions.addNote(note({ sessionId: 's2', authorId: 'U9', text: 'private', kind: 'feedback', phaseIndex: 3, createdAt: T0 + 3 * MIN, visibility: 'interviewers' }));
    await store.sessions.addNote(note({ sessionId: 's1', authorId: 'U9', text: 'deleted', createdAt: T0 + 4 * MIN, dedupeKey: 'd' }));
    await store.sessions.addNote(note({ sessionId: 's1', authorId: 'U3', text: 'someone else', createdAt: T0 + 5 * MIN }));
    await store.sessions.addNote(note({ sessionId: 'x', authorId: 'U9', text: 'other workspace', createdAt: T0 + 6 * MIN }));
    await store.sessions.addNote(note({ sessionId: 's2', authorId: 'U9', text: 'second', createdAt: T0 + 2 * MIN }));
    const deleted = (await store.sessions.notes('s1')).find((n) => n.text === 'deleted');
    await store.sessions.deleteNote('s1', deleted?.id ?? 0, 'U9', T0 + 7 * MIN);

    const notes = await store.sessions.notesByAuthor(WS, 'U9');
    expect(notes.map((n) => n.note.text)).toEqual(['private', 'second', 'first']);
    expect(notes[0]).toEqual({
      note: expect.objectContaining({ sessionId: 's2', phaseIndex: 3, kind: 'feedback', authorId: 'U9', text: 'private', createdAt: T0 + 3 * MIN, visibility: 'interviewers' }),
      topic: 'Design a cache',
      channelId: 'C2',
      permalink: 'https://x.slack.com/p/s2',
    });
    expect(notes[2]).toMatchObject({ topic: 'Design a feed', channelId: 'C1', permalink: null });
    expect((await store.sessions.notesByAuthor(WS, 'U9', 1)).map((n) => n.note.text)).toEqual(['private']);
    expect(await store.sessions.notesByAuthor(WS, 'U404')).toEqual([]);
  });

  it('gives a candidate\'s ended, scored interviews with the panel\'s cards and only their own self-assessment', async () => {
    const { store } = h();
    const interview = (id: string, at: number, candidateId = 'U9') =>
      newSession({ id, channelId: `C-${id}`, createdAt: at, hostId: 'U1', interviewers: ['U2'], observers: ['U4'], candidateId });
    await seed(store, interview('a', T0), interview('b', T0 + 60 * MIN), interview('live', T0 + 120 * MIN), interview('unscored', T0 + 130 * MIN));
    await seed(store, interview('not-mine', T0 + 140 * MIN, 'U7'), newSession({ id: 'other-team', teamId: 'T2', channelId: 'C-x', createdAt: T0, candidateId: 'U9', interviewers: [] }));
    await store.scorecards.save('a', card({ scorerId: 'U2' }));
    await store.scorecards.save('a', card({ scorerId: 'U4', role: 'observer', scores: { requirements: { score: 4 } }, submittedAt: T0 + 2 * MIN }));
    await store.scorecards.save('a', card({ scorerId: 'U9', role: 'candidate', scores: { requirements: { score: 2 } }, submittedAt: T0 + 3 * MIN }));
    // A card marked as a self-assessment by someone who is not this candidate is never theirs to see.
    await store.scorecards.save('a', card({ scorerId: 'U8', role: 'candidate', scores: { requirements: { score: 1 } } }));
    await store.scorecards.save('b', card({ scorerId: 'U2', scores: { deep_dive: { score: 4 } } }));
    await store.scorecards.save('live', card({ scorerId: 'U2' }));
    await store.scorecards.save('unscored', card({ scorerId: 'U9', role: 'candidate' }));
    await store.scorecards.save('not-mine', card({ scorerId: 'U2' }));
    await store.scorecards.save('other-team', card({ scorerId: 'U2' }));
    for (const id of ['a', 'b', 'unscored', 'not-mine', 'other-team']) await store.sessions.end(id, T0 + 200 * MIN, null);

    const scored = await store.sessions.scoredAsCandidate(WS, 'U9');
    expect(scored).toEqual([
      { sessionId: 'b', topic: 'Design a URL shortener', createdAt: T0 + 60 * MIN, endedAt: T0 + 200 * MIN, cards: [{ scorerId: 'U2', role: 'interviewer', scores: { deep_dive: 4 } }] },
      {
        sessionId: 'a',
        topic: 'Design a URL shortener',
        createdAt: T0,
        endedAt: T0 + 200 * MIN,
        cards: [
          { scorerId: 'U2', role: 'interviewer', scores: { requirements: 3, estimation: 2 } },
          { scorerId: 'U4', role: 'observer', scores: { requirements: 4 } },
          { scorerId: 'U9', role: 'candidate', scores: { requirements: 2 } },
        ],
      },
    ]);
    expect((await store.sessions.scoredAsCandidate(WS, 'U9', 1)).map((s) => s.sessionId)).toEqual(['b']);
    // The panel sees nothing here: they were not the candidate.
    expect(await store.sessions.scoredAsCandidate(WS, 'U2')).toEqual([]);
    expect((await store.sessions.scoredAsCandidate({ teamId: 'T2', enterpriseId: '' }, 'U9')).map((s) => s.sessionId)).toEqual(['other-team']);
  });
});
