/**
 * The storage port's contract, run against SQLite and PostgreSQL alike: sessions, transactions and the
 * request log here; the durable schedule in contract-steps.test.ts. Through the Store only, on a fixed clock.
 */
import { describe, expect, it } from 'vitest';
import { UnreadableSessionError } from '../../../src/app/ports.ts';
import { createStore } from '../../../src/db/store.ts';
import { DEFAULT_PLAN } from '../../../src/domain/plan.ts';
import { schedulePhases } from '../../../src/domain/timeline.ts';
import { MIN, newSession, seed, STORES, T0, useStore, WS } from './stores.ts';

describe.each(STORES)('$name store: sessions', (factory) => {
  const h = useStore(factory);

  it('creates a session with its phases, people and steps, and finds it', async () => {
    const { store } = h();
    const created = await store.transaction((tx) => tx.sessions.create(newSession()));
    const s = await store.sessions.find('s1');
    expect(created).toEqual(s);
    expect(s).toMatchObject({ id: 's1', ...WS, channelId: 'C1', hostId: 'U1', status: 'running', createdAt: T0, endsAt: T0 + 45 * MIN, interviewers: ['U2'] });
    expect(s?.phases.map((p) => [p.index, p.plannedMs / MIN, (p.startsAt - T0) / MIN])).toEqual([
      [0, 5, 0],
      [1, 20, 5],
      [2, 15, 25],
      [3, 5, 40],
    ]);
    const steps = await store.steps.ofSession('s1');
    expect(steps.map((st) => `${st.seq}:${st.key}`)).toEqual([
      '0:root', '1:phase:0', '2:warning:0', '3:phase:1', '4:warning:1', '5:phase:2', '6:warning:2', '7:phase:3', '8:warning:3', '9:summary',
    ]);
    expect(steps[0]).toMatchObject({ state: 'pending', dueAt: T0, runAt: T0, attempts: 0, owner: null, uncertain: false, progress: 0 });
    expect(await store.sessions.find('nope')).toBeUndefined();
    expect(await store.transaction((tx) => tx.sessions.findForUpdate('s1'))).toMatchObject({ id: 's1' });
  });

  it('returns a new session exactly as reading it back gives it, whoever is named twice', async () => {
    const { store } = h();
    const shapes = [
      newSession({ id: 'plain', channelId: 'C1', interviewers: [] }),
      // The host named again as an interviewer, the candidate as an interviewer and an observer: the first role stands.
      newSession({ id: 'named-twice', channelId: 'C2', interviewers: ['U1', 'U3', 'U2', 'U3'], candidateId: 'U2', observers: ['U2', 'U4', 'U3'], level: 'senior', promptId: 'url-shortener' }),
      newSession({ id: 'async', channelId: 'C3', isAsync: true, phases: schedulePhases(DEFAULT_PLAN, T0).map((p) => ({ ...p, pausedMs: 7 })) }),
      newSession({ id: 'kept', channelId: 'C4', candidateId: 'U5', privateScores: true }),
    ];
    for (const shape of shapes) {
      const created = await store.transaction((tx) => tx.sessions.create(shape));
      expect(created).toBeDefined();
      expect(created).toEqual(await store.sessions.find(shape.id));
    }
    expect(await store.sessions.find('named-twice')).toMatchObject({ interviewers: ['U3'], candidateId: 'U2', observers: ['U4'], level: 'senior', promptId: 'url-shortener' });
    expect(await store.sessions.find('kept')).toMatchObject({ candidateId: 'U5', privateScores: true });
    expect(await store.sessions.find('plain')).toMatchObject({ privateScores: false });
  });

  it('finds several sessions at once, each with its own phases and people', async () => {
    const { store } = h();
    await seed(store, newSession(), newSession({ id: 's2', channelId: 'C2', interviewers: ['U3'], createdAt: T0 + MIN }));
    const { sessions: found, unreadable } = await store.sessions.findMany(['s2', 'nope', 's1']);
    expect(found.map((s) => s.id).sort()).toEqual(['s1', 's2']);
    expect(unreadable).toEqual([]);
    for (const s of found) expect(s).toEqual(await store.sessions.find(s.id));
    expect(found.find((s) => s.id === 's2')).toMatchObject({ interviewers: ['U3'], createdAt: T0 + MIN });
    expect(await store.sessions.findMany([])).toEqual({ sessions: [], unreadable: [] });
  });

  it('reads the others of several sessions when one row cannot be read, and names that one with the reason', async () => {
    const { store, sql } = h();
    await seed(store, newSession(), newSession({ id: 's2', channelId: 'C2' }), newSession({ id: 's3', channelId: 'C3' }));
    // A status this version does not know (a newer version, or a hand edit): only with the CHECK constraint lifted.
    if (sql.dialect === 'postgres') await sql.run('ALTER TABLE sessions DROP CONSTRAINT IF EXISTS sessions_status_check');
    else await sql.run('PRAGMA ignore_check_constraints = 1');
    await sql.run("UPDATE sessions SET status = 'archived' WHERE id = 's2'");
    const { sessions, unreadable } = await store.sessions.findMany(['s1', 's2', 's3']);
    expect(sessions.map((s) => s.id).sort()).toEqual(['s1', 's3']);
    for (const s of sessions) expect(s).toEqual(await store.sessions.find(s.id));
    // With where it runs and who hosts it, which still read: the host can be told.
    expect(unreadable).toEqual([
      {
        id: 's2',
        reason: 'sessions.status: unexpected "archived"',
        address: { id: 's2', teamId: WS.teamId, enterpriseId: WS.enterpriseId, channelId: 'C2', hostId: 'U1', topic: 'Design a URL shortener' },
      },
    ]);
    // Reading that one alone still says why.
    await expect(store.sessions.find('s2')).rejects.toThrow('sessions.status: unexpected "archived"');
    // A host that does not read either leaves no one to tell. Only PostgreSQL's schema can be made to hold one: a
    // STRICT SQLite table keeps its NOT NULL.
    if (sql.dialect === 'postgres') {
      await sql.run('ALTER TABLE sessions ALTER COLUMN host_id DROP NOT NULL');
      await sql.run("UPDATE sessions SET host_id = NULL WHERE id = 's2'");
      expect((await store.sessions.findMany(['s2'])).unreadable).toEqual([{ id: 's2', reason: 'sessions.status: unexpected "archived"' }]);
    }
  });

  it('says which session cannot be read, why, where it runs and whether it is live, wherever one row must be returned', async () => {
    const { store, sql } = h();
    await seed(store, newSession({ id: 's1', channelId: 'C1' }), newSession({ id: 's2', channelId: 'C2' }), newSession({ id: 'theirs', channelId: 'C2', teamId: 'T2', createdAt: T0 + MIN }));
    if (sql.dialect === 'postgres') await sql.run('ALTER TABLE sessions DROP CONSTRAINT IF EXISTS sessions_status_check, DROP CONSTRAINT IF EXISTS sessions_level_check');
    else await sql.run('PRAGMA ignore_check_constraints = 1');
    await sql.run("UPDATE sessions SET status = 'archived' WHERE id = 's2'");
    const s2 = { name: 'UnreadableSessionError', sessionId: 's2', reason: 'sessions.status: unexpected "archived"', place: { ...WS, channelId: 'C2' }, live: true };
    for (const read of [() => store.sessions.find('s2'), () => store.sessions.findLive(WS, 'C2'), () => store.sessions.liveByChannel('C2', 5, WS)]) {
      const error: unknown = await read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnreadableSessionError);
      expect(error).toMatchObject(s2);
    }
    // Asked to, a channel's live sessions that read are returned, and the one that does not is set aside.
    const unreadable: UnreadableSessionError[] = [];
    expect((await store.sessions.liveByChannel('C2', 5, WS, unreadable)).map((s) => s.id)).toEqual(['theirs']);
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]).toMatchObject(s2);
    // Ending it writes over the status nobody could read; a level nobody can read stays, on a session no longer live.
    await sql.run("UPDATE sessions SET level = 'principal' WHERE id = 's2'");
    expect(await store.sessions.end('s2', T0 + MIN, 'session_unreadable')).toBe(true);
    await expect(store.sessions.find('s2')).rejects.toMatchObject({ sessionId: 's2', reason: 'sessions.level: unexpected "principal"', live: false });
    expect(await store.sessions.liveByChannel('C2', 5, WS)).toMatchObject([{ id: 'theirs' }]);
    expect(await store.sessions.findLive(WS, 'C2')).toBeUndefined();
  });

  it('reads who may steer a session from its host and people alone, even when the rest of its row cannot be read', async () => {
    const { store, sql } = h();
    await seed(store, newSession({ interviewers: ['U2', 'U3'], candidateId: 'U5', observers: ['U4'] }));
    if (sql.dialect === 'postgres') await sql.run('ALTER TABLE sessions DROP CONSTRAINT IF EXISTS sessions_status_check');
    else await sql.run('PRAGMA ignore_check_constraints = 1');
    await sql.run("UPDATE sessions SET status = 'archived' WHERE id = 's1'");
    const steerers = (id: string) => store.transaction((tx) => tx.sessions.steerersForUpdate(id));
    expect(await steerers('s1')).toEqual({ hostId: 'U1', interviewers: ['U2', 'U3'] });
    expect(await steerers('nope')).toBeUndefined();
    // Handed over: the host as it is now, the former one among the interviewers.
    await store.sessions.setHost('s1', 'U3', 'U1', T0 + MIN);
    expect(await steerers('s1')).toEqual({ hostId: 'U3', interviewers: ['U1', 'U2'] });
    // A host that does not read is said to be unknown, not thrown. Only PostgreSQL's schema can be made to hold one.
    if (sql.dialect === 'postgres') {
      await sql.run('ALTER TABLE sessions ALTER COLUMN host_id DROP NOT NULL');
      await sql.run("UPDATE sessions SET host_id = NULL WHERE id = 's1'");
      expect(await steerers('s1')).toEqual({ hostId: null, interviewers: ['U1', 'U2'] });
    }
  });

  it('allows one live session per channel and workspace', async () => {
    const { store } = h();
    await seed(store, newSession());
    expect(await store.transaction((tx) => tx.sessions.create(newSession({ id: 's2' })))).toBeUndefined();
    expect(await store.sessions.find('s2')).toBeUndefined();
    expect(await store.steps.ofSession('s2')).toEqual([]);
    await seed(store, newSession({ id: 's3', teamId: 'T2' }), newSession({ id: 's4', enterpriseId: 'E1' }));
    expect((await store.sessions.findLive(WS, 'C1'))?.id).toBe('s1');
    expect((await store.sessions.findLive({ teamId: 'T2', enterpriseId: '' }, 'C1'))?.id).toBe('s3');
    expect(await store.sessions.findLive(WS, 'C2')).toBeUndefined();
    expect(await store.sessions.pause('s1', T0 + MIN, null)).toBe(true);
    expect((await store.sessions.findLive(WS, 'C1'))?.id).toBe('s1');
    await store.sessions.end('s1', T0 + 2 * MIN, 'ended_by_host');
    expect(await store.sessions.findLive(WS, 'C1')).toBeUndefined();
    expect(await store.transaction((tx) => tx.sessions.create(newSession({ id: 's5', createdAt: T0 + 3 * MIN })))).toMatchObject({ id: 's5', status: 'running' });
  });

  it("lists a channel id's live sessions of every workspace, oldest first, or the asking workspace's first", async () => {
    const { store } = h();
    // Three workspaces' sessions in one channel id (a channel shared between organisations), one elsewhere.
    await seed(
      store,
      newSession({ id: 'other-team', teamId: 'T2' }),
      newSession({ id: 'grid', enterpriseId: 'E1', createdAt: T0 + MIN }),
      newSession({ id: 'own', createdAt: T0 + 2 * MIN }),
      newSession({ id: 'elsewhere', channelId: 'C2' }),
    );
    const ids = (sessions: { id: string }[]) => sessions.map((x) => x.id);
    expect(ids(await store.sessions.liveByChannel('C1'))).toEqual(['other-team', 'grid', 'own']);
    expect(ids(await store.sessions.liveByChannel('C1', 5, WS))).toEqual(['own', 'other-team', 'grid']);
    // The same team id under an enterprise is another workspace: it keeps its place by age.
    expect(ids(await store.sessions.liveByChannel('C1', 2, { teamId: WS.teamId, enterpriseId: 'E1' }))).toEqual(['grid', 'other-team']);
    expect(ids(await store.sessions.liveByChannel('C1', 1, { teamId: 'T9', enterpriseId: '' }))).toEqual(['other-team']);
    await store.sessions.end('own', T0 + 3 * MIN, 'ended_by_host');
    expect(ids(await store.sessions.liveByChannel('C1', 5, WS))).toEqual(['other-team', 'grid']);
  });

  it('lists the live sessions a person takes part in, newest first', async () => {
    const { store } = h();
    await seed(
      store,
      newSession({ id: 'a', channelId: 'C1', hostId: 'U9', interviewers: [] }),
      newSession({ id: 'b', channelId: 'C2', createdAt: T0 + MIN, hostId: 'U1', interviewers: ['U9'] }),
      newSession({ id: 'c', channelId: 'C3', createdAt: T0 + 2 * MIN, hostId: 'U1', interviewers: [] }),
      newSession({ id: 'd', channelId: 'C4', createdAt: T0 + 3 * MIN, hostId: 'U9', interviewers: [] }),
      newSession({ id: 'x', teamId: 'T2', channelId: 'C5', hostId: 'U9', interviewers: [] }),
    );
    await store.sessions.addParticipant('c', 'U9', T0 + 5 * MIN);
    await store.sessions.end('d', T0 + 5 * MIN, null);
    expect((await store.sessions.liveForUser(WS, 'U9')).map((s) => s.id)).toEqual(['c', 'b', 'a']);
    expect((await store.sessions.liveForUser(WS, 'U9', 2)).map((s) => s.id)).toEqual(['c', 'b']);
    expect((await store.sessions.liveForUser(WS, 'U1')).map((s) => s.id)).toEqual(['c', 'b']);
    // An ended session still counts in its channel while its summary waits to be posted.
    expect((await store.sessions.liveInChannel(WS, 'C4')).map((s) => s.id)).toEqual(['d']);
    await store.steps.cancelPending('d', ['root', 'phase', 'warning', 'summary'], 'test');
    expect(await store.sessions.liveInChannel(WS, 'C4')).toEqual([]);
  });

  it('keeps people in the order they appeared, the first role winning', async () => {
    const { store } = h();
    await seed(store, newSession({ interviewers: ['U2', 'U3'] }));
    await store.sessions.addParticipant('s1', 'U5', T0 + 2 * MIN);
    await store.sessions.addParticipant('s1', 'U4', T0 + 2 * MIN);
    await store.sessions.addParticipant('s1', 'U2', T0 + 3 * MIN);
    await store.sessions.addParticipant('s1', 'U6', T0 + MIN);
    expect(await store.sessions.participants('s1')).toEqual(['U1', 'U2', 'U3', 'U6', 'U5', 'U4']);
    expect((await store.sessions.find('s1'))?.interviewers).toEqual(['U2', 'U3']);
  });

  it('stores a note once per dedupe key and records its author', async () => {
    const { store } = h();
    await seed(store, newSession());
    const note = { sessionId: 's1', phaseIndex: 1, kind: 'api' as const, authorId: 'U3', text: 'GET /{id}', createdAt: T0 + 2 * MIN, dedupeKey: 'view:V1' };
    expect(await store.sessions.addNote(note)).toBe(true);
    expect(await store.sessions.addNote(note)).toBe(false);
    expect(await store.sessions.addNote({ ...note, text: 'earlier', createdAt: T0 + MIN, dedupeKey: null })).toBe(true);
    expect(await store.sessions.addNote({ ...note, text: 'no key either', dedupeKey: null })).toBe(true);
    expect(await store.sessions.noteCount('s1')).toBe(3);
    const notes = await store.sessions.notes('s1');
    expect(notes.map((n) => n.text)).toEqual(['earlier', 'GET /{id}', 'no key either']);
    expect(notes[1]).toMatchObject({ sessionId: 's1', phaseIndex: 1, kind: 'api', authorId: 'U3', createdAt: T0 + 2 * MIN });
    expect(await store.sessions.participants('s1')).toEqual(['U1', 'U2', 'U3']);
    expect(await store.sessions.noteCount('other')).toBe(0);
  });

  it('pauses, resumes and ends once each, saying whether it changed anything', async () => {
    const { store } = h();
    await seed(store, newSession());
    expect(await store.sessions.resume('s1', T0 + MIN)).toBe(false);
    expect(await store.sessions.pause('s1', T0 + MIN, 'not_in_channel')).toBe(true);
    expect(await store.sessions.pause('s1', T0 + 2 * MIN, null)).toBe(false);
    expect(await store.sessions.find('s1')).toMatchObject({ status: 'paused', pausedAt: T0 + MIN, pauseReason: 'not_in_channel' });
    expect(await store.sessions.resume('s1', T0 + 3 * MIN)).toBe(true);
    expect(await store.sessions.resume('s1', T0 + 3 * MIN)).toBe(false);
    expect(await store.sessions.find('s1')).toMatchObject({ status: 'running', pausedAt: null, pauseReason: null });
    await store.sessions.pause('s1', T0 + 4 * MIN, null);
    expect(await store.sessions.end('s1', T0 + 5 * MIN, 'ended_by_host')).toBe(true);
    expect(await store.sessions.end('s1', T0 + 6 * MIN, 'again')).toBe(false);
    expect(await store.sessions.pause('s1', T0 + 6 * MIN, null)).toBe(false);
    expect(await store.sessions.resume('s1', T0 + 6 * MIN)).toBe(false);
    expect(await store.sessions.find('s1')).toMatchObject({ status: 'ended', endedAt: T0 + 5 * MIN, endReason: 'ended_by_host', pausedAt: null });
  });

  it('records the root message with its permalink when one is known, and leaves a permalink as it is when none is given', async () => {
    const { store } = h();
    await seed(store, newSession());
    await store.sessions.setRoot('s1', '1893488400.000100', T0, 'https://x.slack.com/archives/C1/p1893488400000100');
    expect(await store.sessions.find('s1')).toMatchObject({ rootTs: '1893488400.000100', permalink: 'https://x.slack.com/archives/C1/p1893488400000100' });
    await store.sessions.setRoot('s1', '1893488400.000200', T0 + MIN, null);
    expect(await store.sessions.find('s1')).toMatchObject({ rootTs: '1893488400.000200', permalink: 'https://x.slack.com/archives/C1/p1893488400000100' });
  });

  it('records the root message, permalink, moves and shifted phases', async () => {
    const { store } = h();
    await seed(store, newSession());
    await store.sessions.setRoot('s1', '1893488400.000100', T0);
    await store.sessions.setPermalink('s1', 'https://x.slack.com/p1');
    await store.sessions.markMoved('s1', T0 + 3 * MIN);
    await store.sessions.shiftPhases('s1', 0, T0 + 5 * MIN, -2 * MIN, T0 + 3 * MIN);
    const s = await store.sessions.find('s1');
    expect(s).toMatchObject({ rootTs: '1893488400.000100', permalink: 'https://x.slack.com/p1', movedAt: T0 + 3 * MIN, endsAt: T0 + 43 * MIN });
    expect(s?.phases.map((p) => (p.startsAt - T0) / MIN)).toEqual([0, 3, 23, 38]);
  });

  it('ends every live session of one workspace only', async () => {
    const { store } = h();
    await seed(
      store,
      newSession({ id: 'a', channelId: 'C1' }),
      newSession({ id: 'b', channelId: 'C2' }),
      newSession({ id: 'c', channelId: 'C3' }),
      newSession({ id: 'other-team', teamId: 'T2' }),
      newSession({ id: 'other-grid', enterpriseId: 'E1' }),
    );
    await store.sessions.pause('b', T0 + MIN, null);
    await store.sessions.end('c', T0 + MIN, null);
    expect((await store.sessions.endAllForWorkspace(WS, T0 + 2 * MIN, 'tokens_revoked')).sort()).toEqual(['a', 'b']);
    expect(await store.sessions.find('a')).toMatchObject({ status: 'ended', endReason: 'tokens_revoked', endedAt: T0 + 2 * MIN });
    expect(await store.sessions.find('c')).toMatchObject({ endedAt: T0 + MIN, endReason: null });
    expect((await store.sessions.find('other-team'))?.status).toBe('running');
    expect((await store.sessions.find('other-grid'))?.status).toBe('running');
    expect(await store.sessions.endAllForWorkspace(WS, T0 + 3 * MIN, 'tokens_revoked')).toEqual([]);
  });

  it('tells the host of each kind of problem once', async () => {
    const { store } = h();
    await seed(store, newSession());
    expect(await store.sessions.firstNotice('s1', 'not_in_channel', T0)).toBe(true);
    expect(await store.sessions.firstNotice('s1', 'not_in_channel', T0 + MIN)).toBe(false);
    expect(await store.sessions.firstNotice('s1', 'channel_gone', T0 + MIN)).toBe(true);
  });
});

describe.each(STORES)('$name store: transactions', (factory) => {
  const h = useStore(factory);

  it('rolls back everything written in a transaction that throws', async () => {
    const { store } = h();
    const boom = new Error('boom');
    await expect(
      store.transaction(async (tx) => {
        await tx.sessions.create(newSession());
        await tx.sessions.addNote({ sessionId: 's1', phaseIndex: 0, kind: 'api', authorId: 'U3', text: 'x', createdAt: T0, dedupeKey: 'k' });
        await tx.requests.begin('req-1', T0);
        expect(await tx.sessions.find('s1')).toBeDefined();
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await store.sessions.find('s1')).toBeUndefined();
    expect(await store.steps.ofSession('s1')).toEqual([]);
    expect(await store.requests.begin('req-1', T0)).toBe(true);
    // The store is still usable, and the same writes go through in a transaction that succeeds.
    expect(await store.transaction((tx) => tx.sessions.create(newSession()))).toMatchObject({ id: 's1' });
    expect(await store.steps.ofSession('s1')).toHaveLength(10);
  });

  it('serializes concurrent transactions: both commit, one live session per channel wins', async () => {
    const { store } = h();
    const start = (id: string, channelId: string) =>
      store.transaction(async (tx) => {
        const created = await tx.sessions.create(newSession({ id, channelId }));
        if (created) await tx.sessions.addParticipant(id, 'U7', T0 + 1);
        return created;
      });
    const results = await Promise.all([start('a', 'C1'), start('b', 'C1'), start('c', 'C2'), start('d', 'C2')]);
    expect(results.filter(Boolean)).toHaveLength(2);
    expect([results[0] !== results[1], results[2] !== results[3]]).toEqual([true, true]);
    const winners = ['a', 'b', 'c', 'd'].filter((_, i) => results[i]);
    for (const id of winners) expect(await store.sessions.participants(id)).toEqual(['U1', 'U2', 'U7']);
    expect((await store.sessions.findLive(WS, 'C1'))?.id).toBe(winners[0]);
    expect((await store.sessions.findLive(WS, 'C2'))?.id).toBe(winners[1]);
  });

  it('uses the database clock for leases when the store has no clock', async () => {
    const { sql } = h();
    const store = createStore(sql, null);
    const now = Date.now();
    await seed(store, newSession({ createdAt: now - 1000 }));
    const [root] = await store.steps.claimDue({ owner: 'A', leaseMs: 60_000 }, 10);
    expect(root?.key).toBe('root');
    expect(root?.leaseUntil).toBeGreaterThanOrEqual(now + 60_000 - 5000);
    expect(root?.leaseUntil).toBeLessThanOrEqual(Date.now() + 60_000 + 5000);
    expect(await store.steps.beginPost(root!, { owner: 'A', leaseMs: 60_000 })).toBe(true);
    expect((await store.steps.find(root!.id))?.sentAt).toBeGreaterThanOrEqual(now - 5000);
  });
});

describe.each(STORES)('$name store: request log', (factory) => {
  const h = useStore(factory);

  it('lets a request be handled once it is finished, and again if its handling was abandoned or died', async () => {
    const { store, sql } = h();
    const log = store.requests;
    expect(await log.begin('ev-1', T0)).toBe(true);
    expect(await log.begin('ev-1', T0 + 1000)).toBe(false);
    await log.abandon('ev-1');
    expect(await log.begin('ev-1', T0 + 2000)).toBe(true);
    // Still 'working' a minute later: the handler died with its process.
    expect(await log.begin('ev-1', T0 + 2000 + 59_000)).toBe(false);
    expect(await log.begin('ev-1', T0 + 2000 + 61_000)).toBe(true);
    await log.finish('ev-1', T0 + 63_000);
    expect(await sql.get('SELECT state, seen_at FROM processed_requests WHERE request_key = $1', ['ev-1'])).toEqual({ state: 'done', seen_at: T0 + 63_000 });
    expect(await log.begin('ev-1', T0 + 10 * MIN)).toBe(false);
    await log.abandon('ev-1');
    expect(await log.begin('ev-1', T0 + 11 * MIN)).toBe(false);
  });

  it('prunes keys seen before a time', async () => {
    const { store } = h();
    await store.requests.begin('old-1', T0);
    await store.requests.begin('old-2', T0 + 1);
    await store.requests.begin('new', T0 + MIN);
    expect(await store.requests.prune(T0 + MIN)).toBe(2);
    expect(await store.requests.begin('old-1', T0 + MIN)).toBe(true);
    expect(await store.requests.begin('new', T0 + MIN)).toBe(false);
  });
});
