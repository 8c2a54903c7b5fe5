import { describe, expect, it } from 'vitest';
import {
  type CapturedNote,
  FINDINGS,
  hasScaleNumber,
  looksLikeApi,
  midpointNudge,
  missingAtMidpoint,
  statesDecision,
  weighsTwoOptions,
} from '../../../src/domain/coverage.ts';
import { MINUTE } from '../../../src/domain/duration.ts';
import type { NoteKind } from '../../../src/domain/notes.ts';
import { PHASES } from '../../../src/domain/phases.ts';
import { MIN, T0 } from '../support/builders.ts';

const REQUIREMENTS = 0;
const HIGH_LEVEL = 1;
const DEEP_DIVE = 2;
const WRAP_UP = 3;

function note(phaseIndex: number, kind: NoteKind, text: string, minute = 1): CapturedNote {
  return { phaseIndex, kind, text, createdAt: T0 + minute * MIN };
}

const keys = (findings: readonly { key: string }[]) => findings.map((f) => f.key);

describe('hasScaleNumber', () => {
  it.each([
    '100M new links a month',
    'p99 redirect latency under 50 ms',
    '99.99% availability',
    'Three nines is enough for the admin pages',
    'Reads to writes 100:1',
    'About 4k redirects/s, 40,000 QPS at peak',
    'Storage: roughly 3 TB over 5 years',
    'Millions of daily users',
    '1.2 GB/day of logs',
    'Peak is 10x the average',
    '500 requests per second per region',
    'Fan-out to 3 replicas',
  ])('finds a quantity in %j', (text) => {
    expect(hasScaleNumber(text)).toBe(true);
  });

  it.each([
    'Users can shorten a URL and get redirected',
    'Custom aliases are out of scope',
    'Must be highly available and fast',
    'Top 3 features: shorten, redirect, expire',
    'Use base62 encoding for the code',
    'Store the blobs in S3',
    'Option 1: cache in front of the database',
    'Version 2 of the API adds analytics',
  ])('finds none in %j', (text) => {
    expect(hasScaleNumber(text)).toBe(false);
  });
});

describe('weighsTwoOptions', () => {
  it.each([
    'Fan-out on write vs fan-out on read',
    'Hash the URL versus a global counter',
    'Cache in Redis or Memcached',
    'Use a queue instead of calling the provider directly',
    'Chose Cassandra over Postgres for the write rate',
    '1) token bucket 2) sliding window counter',
    'Alternative: pre-generate keys in ranges',
    'Consistent hashing, compared with modulo sharding, moves fewer keys',
  ])('sees two options in %j', (text) => {
    expect(weighsTwoOptions(text)).toBe(true);
  });

  it.each([
    'Hot keys on popular links: add a cache',
    'Shard the links table by code',
    'Use a Bloom filter for seen URLs',
    'Database is the bottleneck at 40k QPS',
  ])('sees one option in %j', (text) => {
    expect(weighsTwoOptions(text)).toBe(false);
  });
});

describe('statesDecision', () => {
  it.each([
    'Decided: Redis cache with a 24 h TTL',
    "We'll go with fan-out on write for most users",
    'Picked the sliding window counter',
    'Decision: pre-generated key ranges',
    'Went with Cassandra for the message store',
    'Settled on a 302 redirect',
    'We will use consistent hashing',
  ])('sees a decision in %j', (text) => {
    expect(statesDecision(text)).toBe(true);
  });

  it.each([
    'Need to decide between push and pull',
    "Haven't decided on the database yet",
    'No decision yet on sharding',
    'Decision: TBD',
    'Still undecided about the cache',
    'Which one to pick?',
    'Cache in Redis or Memcached',
  ])('sees no decision in %j', (text) => {
    expect(statesDecision(text)).toBe(false);
  });
});

describe('looksLikeApi', () => {
  it('recognises endpoints written out, and nothing else', () => {
    expect(looksLikeApi('POST /links {longUrl} returns {code}')).toBe(true);
    expect(looksLikeApi('GET /feed?cursor=abc')).toBe(true);
    expect(looksLikeApi('We get the post from the store')).toBe(false);
    expect(looksLikeApi('Post service behind the gateway')).toBe(false);
  });
});

describe('missingAtMidpoint: requirements', () => {
  it('says no non-functional numbers are noted when there are none', () => {
    const notes = [
      note(REQUIREMENTS, 'requirement', 'Users can shorten a URL and get redirected'),
      note(REQUIREMENTS, 'requirement', 'Custom aliases are out of scope'),
      note(REQUIREMENTS, 'requirement', 'Must be highly available, redirects must be fast'),
    ];
    expect(missingAtMidpoint('requirements', notes)).toEqual([{ key: 'no_nfr_numbers', text: FINDINGS.no_nfr_numbers }]);
    expect(keys(missingAtMidpoint('requirements', []))).toEqual(['no_nfr_numbers']);
  });

  it('stays quiet once a number with a unit is noted', () => {
    const notes = [
      note(REQUIREMENTS, 'requirement', 'Users can shorten a URL and get redirected'),
      note(REQUIREMENTS, 'requirement', '100M new URLs a month, reads to writes 100:1'),
    ];
    expect(missingAtMidpoint('requirements', notes)).toEqual([]);
  });

  it('counts a number noted under another kind during the phase', () => {
    expect(missingAtMidpoint('requirements', [note(REQUIREMENTS, 'data_model', 'About 6B rows, 500 bytes each: 3 TB')])).toEqual([]);
  });

  it("does not count an interviewer's feedback or question as the candidate's numbers", () => {
    const notes = [
      note(REQUIREMENTS, 'feedback', 'Spent 3 min on features before any scale'),
      note(REQUIREMENTS, 'question', 'Is 99.9% enough?'),
    ];
    expect(keys(missingAtMidpoint('requirements', notes))).toEqual(['no_nfr_numbers']);
  });
});

describe('missingAtMidpoint: high-level design', () => {
  it('says no API is noted when none is', () => {
    expect(keys(missingAtMidpoint('high_level', []))).toEqual(['no_api']);
    const boxes = [note(HIGH_LEVEL, 'component', 'Load balancer in front of the link service', 6), note(HIGH_LEVEL, 'component', 'Redis cache', 8)];
    expect(keys(missingAtMidpoint('high_level', boxes))).toEqual(['no_api']);
  });

  it('says the diagram came before the API when a component was noted first', () => {
    const notes = [
      note(HIGH_LEVEL, 'component', 'Load balancer, link service, key-value store', 6),
      note(HIGH_LEVEL, 'api', 'POST /links with longUrl, returns code', 9),
    ];
    expect(missingAtMidpoint('high_level', notes)).toEqual([{ key: 'diagram_before_api', text: FINDINGS.diagram_before_api }]);
  });

  it('stays quiet when the API came first', () => {
    const notes = [
      note(HIGH_LEVEL, 'api', 'POST /links with longUrl, returns code; GET /{code} redirects', 6),
      note(HIGH_LEVEL, 'component', 'Load balancer, link service, key-value store', 9),
      note(HIGH_LEVEL, 'data_model', 'code, longUrl, createdAt, expiresAt', 11),
    ];
    expect(missingAtMidpoint('high_level', notes)).toEqual([]);
  });

  it('takes an endpoint written in a note of another kind as the API', () => {
    const notes = [note(HIGH_LEVEL, 'requirement', 'GET /feed?cursor= returns 20 posts', 6), note(HIGH_LEVEL, 'component', 'Feed service', 7)];
    expect(missingAtMidpoint('high_level', notes)).toEqual([]);
  });

  it('counts an API noted during the requirements, and gives a tie to the API', () => {
    expect(missingAtMidpoint('high_level', [note(REQUIREMENTS, 'api', 'shorten(url) returns code', 3), note(HIGH_LEVEL, 'component', 'Link service', 6)])).toEqual([]);
    expect(missingAtMidpoint('high_level', [note(HIGH_LEVEL, 'component', 'Link service', 6), note(HIGH_LEVEL, 'api', 'POST /links', 6)])).toEqual([]);
  });
});

describe('missingAtMidpoint: deep dive', () => {
  it('says no problem is noted yet when there is none, and nothing more', () => {
    expect(keys(missingAtMidpoint('deep_dive', []))).toEqual(['no_problem']);
    expect(keys(missingAtMidpoint('deep_dive', [note(DEEP_DIVE, 'component', 'Add a CDN', 27)]))).toEqual(['no_problem']);
  });

  it('flags a problem with a single option and no decision', () => {
    const notes = [note(DEEP_DIVE, 'trade_off', 'Hot keys on popular links: add a cache', 27)];
    expect(keys(missingAtMidpoint('deep_dive', notes))).toEqual(['single_option', 'no_decision']);
  });

  it('stops flagging the single option once two are weighed, and the decision once one is made', () => {
    const weighed = [note(DEEP_DIVE, 'trade_off', 'Hot keys: cache in Redis vs replicate the hot rows', 27)];
    expect(keys(missingAtMidpoint('deep_dive', weighed))).toEqual(['no_decision']);
    const decided = [...weighed, note(DEEP_DIVE, 'trade_off', 'Decided: Redis, 40k reads/s fit in one node', 31)];
    expect(missingAtMidpoint('deep_dive', decided)).toEqual([]);
  });

  it('sees options noted one per note', () => {
    const notes = [
      note(DEEP_DIVE, 'trade_off', 'Problem: one database cannot take 1M writes/s', 27),
      note(DEEP_DIVE, 'trade_off', 'Option A: shard by user id', 28),
      note(DEEP_DIVE, 'trade_off', 'Option B: a wide-column store', 29),
      note(DEEP_DIVE, 'trade_off', 'Picked the wide-column store for the write path', 31),
    ];
    expect(missingAtMidpoint('deep_dive', notes)).toEqual([]);
  });

  it("does not take an interviewer's question or feedback as the candidate weighing or deciding", () => {
    const notes = [
      note(DEEP_DIVE, 'trade_off', 'Hot keys on popular links: add a cache', 27),
      note(DEEP_DIVE, 'question', 'Redis or Memcached?', 28),
      note(DEEP_DIVE, 'feedback', 'Decided too fast, went with the first idea', 29),
    ];
    expect(keys(missingAtMidpoint('deep_dive', notes))).toEqual(['single_option', 'no_decision']);
  });

  it('only judges the notes of the deep dive for options and decisions', () => {
    const notes = [note(HIGH_LEVEL, 'trade_off', 'SQL vs NoSQL: chose Postgres', 15), note(DEEP_DIVE, 'trade_off', 'Feed cache for celebrities', 27)];
    expect(keys(missingAtMidpoint('deep_dive', notes))).toEqual(['single_option', 'no_decision']);
  });

  it('asks for numbers behind the trade-offs from senior up', () => {
    const notes = [note(DEEP_DIVE, 'trade_off', 'Fan-out on write vs on read; went with a hybrid', 27)];
    expect(missingAtMidpoint('deep_dive', notes, 'mid')).toEqual([]);
    expect(missingAtMidpoint('deep_dive', notes)).toEqual([]);
    expect(keys(missingAtMidpoint('deep_dive', notes, 'senior'))).toEqual(['no_numbers_in_trade_offs']);
    const withNumbers = [...notes, note(DEEP_DIVE, 'trade_off', 'A post to 10M followers is 10M writes', 29)];
    expect(missingAtMidpoint('deep_dive', withNumbers, 'senior')).toEqual([]);
  });

  it('asks a staff candidate for failure modes and for operations or cost, from any phase so far', () => {
    const notes = [note(DEEP_DIVE, 'trade_off', 'Fan-out on write vs on read; went with a hybrid at 10M followers', 27)];
    expect(keys(missingAtMidpoint('deep_dive', notes, 'staff'))).toEqual(['no_failure_mode', 'no_operations_or_cost']);
    const covered = [
      note(HIGH_LEVEL, 'component', 'Queue between post service and fan-out workers; cost stays low', 12),
      ...notes,
      note(DEEP_DIVE, 'trade_off', 'If a fan-out worker crashes the queue redelivers; failover to a replica', 30),
    ];
    expect(missingAtMidpoint('deep_dive', covered, 'staff')).toEqual([]);
  });
});

describe('missingAtMidpoint: wrap-up', () => {
  it('says no summary is noted when the phase has no note', () => {
    expect(missingAtMidpoint('wrap_up', [])).toEqual([{ key: 'no_summary', text: FINDINGS.no_summary }]);
    expect(keys(missingAtMidpoint('wrap_up', [note(DEEP_DIVE, 'trade_off', 'Decided: Redis', 30)]))).toEqual(['no_summary']);
  });

  it('takes a design note of the phase, or feedback that summarises, as the summary', () => {
    expect(missingAtMidpoint('wrap_up', [note(WRAP_UP, 'component', 'Stateless link service, KV store, cache; hybrid keys', 41)])).toEqual([]);
    expect(missingAtMidpoint('wrap_up', [note(WRAP_UP, 'feedback', 'Summary: short codes from key ranges, cached reads', 41)])).toEqual([]);
  });

  it('does not take plain feedback or a question as a summary', () => {
    const notes = [note(WRAP_UP, 'feedback', 'Good pace overall, clear diagram', 41), note(WRAP_UP, 'question', 'Can you recap the design?', 42)];
    expect(keys(missingAtMidpoint('wrap_up', notes))).toEqual(['no_summary']);
  });
});

describe('midpointNudge', () => {
  it('pairs what is missing with the time advice for the moment', () => {
    const notes = [note(DEEP_DIVE, 'trade_off', 'Hot keys on popular links: add a cache', 27)];
    const nudge = midpointNudge({ phaseKey: 'deep_dive', notes, plannedMs: 15 * MINUTE, level: 'mid' });
    expect(keys(nudge.missing)).toEqual(['single_option', 'no_decision']);
    expect(nudge.timeAdvice[0]).toContain('close the current problem with a decision');
  });

  it('counts the deep dive problems noted for the pacing advice', () => {
    const three = [1, 2, 3].map((i) => note(DEEP_DIVE, 'trade_off', `Problem ${i}: vs; decided`, 26 + i));
    expect(midpointNudge({ phaseKey: 'deep_dive', notes: three, plannedMs: 15 * MINUTE }).timeAdvice[0]).toContain('rather than wider');
    expect(midpointNudge({ phaseKey: 'deep_dive', notes: [], plannedMs: 15 * MINUTE }).timeAdvice[0]).toContain('no problem is noted yet');
  });

  it('writes every finding as one plain line', () => {
    for (const text of Object.values(FINDINGS)) {
      expect(text).not.toMatch(/[<>&*_~`]/);
      expect(text.length).toBeLessThanOrEqual(200);
    }
    expect(PHASES.map((p) => p.key)).toEqual(['requirements', 'high_level', 'deep_dive', 'wrap_up']);
  });
});
