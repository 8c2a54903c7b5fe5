import { describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../../../src/domain/duration.ts';
import { LEVEL_EXAMPLE, LEVELS, levelLabel, listenFor, parseLevel, phaseStartNudge, timeAdvice } from '../../../src/domain/levels.ts';
import { PHASES } from '../../../src/domain/phases.ts';
import { findPrompt } from '../../../src/domain/prompts.ts';

const MARKUP = /[<>&*_~`]/;

describe('parseLevel', () => {
  it.each([
    ['mid', 'mid'],
    ['Mid-level', 'mid'],
    ['midlevel', 'mid'],
    ['senior', 'senior'],
    [' SENIOR ', 'senior'],
    ['sr', 'senior'],
    ['Staff', 'staff'],
  ])('reads %j as %s', (text, level) => {
    expect(parseLevel(text)).toEqual({ ok: true, value: level });
  });

  it.each(['junior', 'principal', '', 'senior staff', 'L5'])('refuses %j and says what is accepted', (text) => {
    const parsed = parseLevel(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(LEVEL_EXAMPLE);
  });

  it('names each level', () => {
    expect(LEVELS.map((l) => l.key)).toEqual(['mid', 'senior', 'staff']);
    expect(levelLabel('mid')).toBe('Mid-level');
    expect(levelLabel('staff')).toBe('Staff');
  });
});

describe('listenFor', () => {
  it('has short, plain guidance for every level in every phase', () => {
    for (const { key: level } of LEVELS) {
      for (const phase of PHASES) {
        const items = listenFor(level, phase.key);
        expect(items.length, `${level} ${phase.key}`).toBeGreaterThanOrEqual(2);
        for (const item of items) {
          expect(item.length).toBeLessThanOrEqual(200);
          expect(item).not.toMatch(MARKUP);
        }
      }
    }
  });

  it('asks different things of each level', () => {
    for (const phase of PHASES) {
      const [mid, senior, staff] = LEVELS.map((l) => listenFor(l.key, phase.key).join(' | '));
      expect(new Set([mid, senior, staff]).size).toBe(3);
    }
  });

  it('expects a working end-to-end design and sound APIs at mid level', () => {
    const items = listenFor('mid', 'high_level').join(' ');
    expect(items).toMatch(/end to end/);
    expect(items).toMatch(/Sound APIs/);
  });

  it('expects own bottlenecks, two deep dives and stated trade-offs at senior level', () => {
    expect(listenFor('senior', 'high_level').join(' ')).toMatch(/their own bottlenecks/);
    const deep = listenFor('senior', 'deep_dive').join(' ');
    expect(deep).toMatch(/Two deep dives/);
    expect(deep).toMatch(/Trade-offs stated/);
  });

  it('expects failure modes several levels deep, operations and cost unprompted at staff level', () => {
    const deep = listenFor('staff', 'deep_dive').join(' ');
    expect(deep).toMatch(/Failure modes several levels deep/);
    expect(deep).toMatch(/Operations without being asked/);
    expect(deep).toMatch(/Cost in numbers/);
  });
});

describe('timeAdvice', () => {
  it('keeps requirements to the plan, without designing yet', () => {
    const [advice] = timeAdvice('requirements', { moment: 'start', plannedMs: 5 * MINUTE });
    expect(advice).toContain('About 5 min');
    expect(advice).toContain('no boxes or databases yet');
    expect(timeAdvice('requirements', { moment: 'midpoint', plannedMs: 5 * MINUTE }).join(' ')).toContain('top few features');
  });

  it('asks for the whole picture before details, APIs before the diagram', () => {
    const advice = timeAdvice('high_level', { moment: 'start', plannedMs: 20 * MINUTE }).join(' ');
    expect(advice).toContain('whole picture before any detail');
    expect(advice).toContain('APIs first, then the diagram');
    expect(advice).toContain('About 20 min');
  });

  it('asks for two or three deep dives, not ten, and shares out the time', () => {
    const advice = timeAdvice('deep_dive', { moment: 'start', plannedMs: 15 * MINUTE });
    expect(advice[0]).toContain('Two or three deep dives, not ten');
    expect(advice[1]).toBe('15 min leaves about 7 min 30 s each for two problems, or 5 min each for three.');
  });

  it('speaks in the plan of a study group too', () => {
    expect(timeAdvice('deep_dive', { moment: 'start', plannedMs: 2 * DAY })[1]).toBe(
      '2 days leaves about 1 day each for two problems, or 16 h each for three.',
    );
  });

  it('paces the deep dive half-way by the problems noted so far', () => {
    const at = (deepDivesNoted?: number) =>
      timeAdvice('deep_dive', { moment: 'midpoint', plannedMs: 15 * MINUTE, ...(deepDivesNoted === undefined ? {} : { deepDivesNoted }) })[0];
    expect(at(0)).toContain('no problem is noted yet');
    expect(at(1)).toContain('close the current problem with a decision');
    expect(at(2)).toContain('close the current problem with a decision');
    expect(at(3)).toContain('go deeper on the one that matters most rather than wider');
    expect(at(7)).toContain('rather than wider');
    expect(at()).toContain('ends in a decision');
  });

  it('asks for a short summary in the wrap-up, and has nothing to pace half-way through it', () => {
    expect(timeAdvice('wrap_up', { moment: 'start', plannedMs: 5 * MINUTE }).join(' ')).toContain('A few sentences');
    expect(timeAdvice('wrap_up', { moment: 'midpoint', plannedMs: 5 * MINUTE })).toEqual([]);
  });

  it('is plain text everywhere', () => {
    for (const phase of PHASES) {
      for (const moment of ['start', 'midpoint'] as const) {
        for (const line of timeAdvice(phase.key, { moment, plannedMs: 10 * MINUTE, deepDivesNoted: 1 })) expect(line).not.toMatch(MARKUP);
      }
    }
  });
});

describe('phaseStartNudge', () => {
  it("brings together the level's focus, the prompt's probes and the time advice", () => {
    const prompt = findPrompt('url-shortener');
    const nudge = phaseStartNudge({ level: 'senior', phaseKey: 'deep_dive', plannedMs: 15 * MINUTE, prompt });
    expect(nudge.listenFor).toEqual(listenFor('senior', 'deep_dive'));
    expect(nudge.probes).toEqual(prompt?.phases.deep_dive.probes);
    expect(nudge.strong).toEqual(prompt?.phases.deep_dive.strong);
    expect(nudge.timeAdvice).toEqual(timeAdvice('deep_dive', { moment: 'start', plannedMs: 15 * MINUTE }));
  });

  it('has no probes for a topic outside the bank', () => {
    const nudge = phaseStartNudge({ level: 'mid', phaseKey: 'requirements', plannedMs: 5 * MINUTE });
    expect(nudge.probes).toEqual([]);
    expect(nudge.strong).toEqual([]);
    expect(nudge.listenFor.length).toBeGreaterThan(0);
  });
});
