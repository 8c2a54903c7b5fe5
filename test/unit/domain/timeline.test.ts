import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN, type Plan } from '../../../src/domain/plan.ts';
import {
  actualDurations,
  advance,
  currentPhaseIndex,
  latenessWorthMentioning,
  type PhaseSlot,
  phaseEnd,
  planSteps,
  resume,
  schedulePhases,
  sessionEnd,
  warningLead,
  nextClockTick,
  phaseProgress,
} from '../../../src/domain/timeline.ts';
import { DY, HR, MIN, SEC, T0 } from '../support/builders.ts';

const defaultPhases = () => schedulePhases(DEFAULT_PLAN, T0);

/** Four phases of 1 min to 3 days each. */
const planArb: fc.Arbitrary<Plan> = fc.array(fc.integer({ min: MIN, max: 3 * DY }), { minLength: 4, maxLength: 4 });
/** Four phases of 2 ms to 3 days each, often under a minute. */
const anyPlanArb: fc.Arbitrary<Plan> = fc.array(fc.oneof(fc.integer({ min: 2, max: MIN }), fc.integer({ min: MIN, max: 3 * DY })), { minLength: 4, maxLength: 4 });

const lengths = (phases: readonly PhaseSlot[]) => phases.map((p) => phaseEnd(phases, p.index) - p.startsAt);

describe('schedulePhases', () => {
  it('lays the phases end to end from the start', () => {
    expect(defaultPhases()).toEqual([
      { index: 0, plannedMs: 5 * MIN, startsAt: T0 },
      { index: 1, plannedMs: 20 * MIN, startsAt: T0 + 5 * MIN },
      { index: 2, plannedMs: 15 * MIN, startsAt: T0 + 25 * MIN },
      { index: 3, plannedMs: 5 * MIN, startsAt: T0 + 40 * MIN },
    ]);
  });
});

describe('phaseEnd and sessionEnd', () => {
  it("ends a phase where the next one starts, and the last one after its planned length", () => {
    const phases = defaultPhases();
    expect(phaseEnd(phases, 0)).toBe(T0 + 5 * MIN);
    expect(phaseEnd(phases, 2)).toBe(T0 + 40 * MIN);
    expect(phaseEnd(phases, 3)).toBe(T0 + 45 * MIN);
    expect(sessionEnd(phases)).toBe(T0 + 45 * MIN);
  });

  it('follows the next phase when it has been moved', () => {
    const phases = defaultPhases().map((p) => (p.index === 2 ? { ...p, startsAt: p.startsAt + 7 * MIN } : p));
    expect(phaseEnd(phases, 1)).toBe(T0 + 32 * MIN);
  });

  it('throws for a phase that does not exist', () => {
    expect(() => phaseEnd(defaultPhases(), 4)).toThrow(RangeError);
    expect(() => sessionEnd([])).toThrow(RangeError);
  });
});

describe('warningLead', () => {
  it.each([
    [1, 1],
    [2, 1],
    [SEC, 500],
    [2 * SEC, SEC],
    [6 * SEC, 3 * SEC],
    [7 * SEC, 3500],
    [10 * SEC, 5 * SEC],
    [20 * SEC, 5 * SEC],
    [25 * SEC, 5 * SEC],
    [30 * SEC, 6 * SEC],
    [33 * SEC, 7 * SEC],
    [45 * SEC, 9 * SEC],
    [59 * SEC, 12 * SEC],
    [MIN - 1, 12 * SEC],
    [MIN, 12 * SEC],
    [90 * SEC, 18 * SEC],
    [2 * MIN - 1, 23 * SEC],
    [2 * MIN, 24 * SEC],
    [5 * MIN - 1, 59 * SEC],
    [5 * MIN, MIN],
    [7 * MIN, MIN],
    [10 * MIN, 2 * MIN],
    [15 * MIN, 3 * MIN],
    [20 * MIN, 4 * MIN],
    [22 * MIN, 4 * MIN],
    [9 * HR, 108 * MIN],
    [10 * HR - MIN, 119 * MIN],
    [10 * HR, 2 * HR],
    [DY, 4 * HR],
    [3 * DY, 14 * HR],
  ])('for a phase of %d ms is %j', (planned, lead) => {
    expect(warningLead(planned)).toBe(lead);
  });

  it('gives a phase under a minute its check when a fifth is left in whole seconds, at least 5 s before the end, at most half-way', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: MIN - 1 }), (planned) => {
        const lead = warningLead(planned);
        expect(lead).toBeGreaterThan(0);
        expect(lead).toBeLessThan(planned);
        expect(lead).toBeLessThanOrEqual(planned / 2);
        if (planned >= 10 * SEC) {
          expect(lead % SEC).toBe(0);
          expect(lead).toBeGreaterThanOrEqual(5 * SEC);
          expect(Math.abs(lead - Math.max(5 * SEC, planned / 5))).toBeLessThanOrEqual(SEC / 2);
        } else {
          // Too short for 5 s before the end: half-way.
          expect(lead).toBe(Math.floor(planned / 2));
        }
      }),
    );
  });

  it('scales down for phases of one to five minutes: whole seconds, at least one, never more than half the phase', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN, max: 5 * MIN - 1 }), (planned) => {
        const lead = warningLead(planned);
        expect(lead).toBeGreaterThanOrEqual(SEC);
        expect(lead % SEC).toBe(0);
        expect(lead).toBeLessThanOrEqual(planned / 2);
        expect(lead).toBeLessThanOrEqual(planned / 5);
      }),
    );
  });

  it('is whole minutes, at least one, never more than half the phase, whole hours from a fifth of two hours', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5 * MIN, max: 30 * DY }), (planned) => {
        const lead = warningLead(planned);
        expect(lead).toBeGreaterThanOrEqual(MIN);
        expect(lead % MIN).toBe(0);
        expect(lead).toBeLessThanOrEqual(planned / 2);
        if (planned / 5 >= 2 * HR) expect(lead % HR).toBe(0);
        if (planned / 5 >= MIN) expect(lead).toBeLessThanOrEqual(planned / 5);
      }),
    );
  });
});

describe('planSteps', () => {
  it('lists root, each phase with its time check, then the summary, in posting order', () => {
    const phases = defaultPhases();
    expect(planSteps(phases, T0)).toEqual([
      { key: 'root', kind: 'root', phaseIndex: null, dueAt: T0, seq: 0 },
      { key: 'phase:0', kind: 'phase', phaseIndex: 0, dueAt: T0, seq: 1 },
      { key: 'warning:0', kind: 'warning', phaseIndex: 0, dueAt: T0 + 4 * MIN, seq: 2 },
      { key: 'phase:1', kind: 'phase', phaseIndex: 1, dueAt: T0 + 5 * MIN, seq: 3 },
      { key: 'warning:1', kind: 'warning', phaseIndex: 1, dueAt: T0 + 21 * MIN, seq: 4 },
      { key: 'phase:2', kind: 'phase', phaseIndex: 2, dueAt: T0 + 25 * MIN, seq: 5 },
      { key: 'warning:2', kind: 'warning', phaseIndex: 2, dueAt: T0 + 37 * MIN, seq: 6 },
      { key: 'phase:3', kind: 'phase', phaseIndex: 3, dueAt: T0 + 40 * MIN, seq: 7 },
      { key: 'warning:3', kind: 'warning', phaseIndex: 3, dueAt: T0 + 44 * MIN, seq: 8 },
      { key: 'summary', kind: 'summary', phaseIndex: null, dueAt: T0 + 45 * MIN, seq: 9 },
    ]);
  });

  it('gives every phase a time check, short ones scaled to their length', () => {
    const phases = schedulePhases([90 * SEC, 20 * MIN, MIN, 5 * MIN], T0);
    const steps = planSteps(phases, T0);
    expect(steps.map((s) => s.key)).toEqual(['root', 'phase:0', 'warning:0', 'phase:1', 'warning:1', 'phase:2', 'warning:2', 'phase:3', 'warning:3', 'summary']);
    expect(steps.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(steps.find((s) => s.key === 'warning:0')?.dueAt).toBe(T0 + 90 * SEC - 18 * SEC);
    expect(steps.find((s) => s.key === 'warning:2')?.dueAt).toBe(T0 + 90 * SEC + 20 * MIN + MIN - 12 * SEC);
  });

  it('gives phases under a minute a time check too, in whole seconds', () => {
    const phases = schedulePhases([30 * SEC, 20 * SEC, 4 * SEC, 59 * SEC], T0);
    const warnings = planSteps(phases, T0).filter((s) => s.kind === 'warning');
    expect(warnings.map((s) => s.phaseIndex)).toEqual([0, 1, 2, 3]);
    expect(warnings.map((s, i) => phaseEnd(phases, i) - s.dueAt)).toEqual([6 * SEC, 5 * SEC, 2 * SEC, 12 * SEC]);
  });

  it('uses whole hours for a study-group plan', () => {
    const steps = planSteps(schedulePhases([DY, 3 * DY, 2 * DY, DY], T0), T0);
    expect(steps.find((s) => s.key === 'warning:0')?.dueAt).toBe(T0 + DY - 4 * HR);
    expect(steps.find((s) => s.key === 'warning:1')?.dueAt).toBe(T0 + 4 * DY - 14 * HR);
    expect(steps.at(-1)).toMatchObject({ key: 'summary', dueAt: T0 + 7 * DY });
  });

  it('always has unique keys, due times in posting order and a time check inside each phase', () => {
    fc.assert(
      fc.property(anyPlanArb, (plan) => {
        const phases = schedulePhases(plan, T0);
        const steps = planSteps(phases, T0);
        expect(new Set(steps.map((s) => s.key)).size).toBe(steps.length);
        expect(steps.map((s) => s.seq)).toEqual(steps.map((_, i) => i));
        for (let i = 1; i < steps.length; i++) expect(steps[i]!.dueAt).toBeGreaterThanOrEqual(steps[i - 1]!.dueAt);
        const warnings = steps.filter((s) => s.kind === 'warning');
        expect(warnings.map((s) => s.phaseIndex)).toEqual([0, 1, 2, 3]);
        for (const step of warnings) {
          const i = step.phaseIndex ?? -1;
          expect(step.dueAt).toBeGreaterThan(phases[i]!.startsAt);
          expect(step.dueAt).toBeLessThan(phaseEnd(phases, i));
          expect(phaseEnd(phases, i) - step.dueAt).toBe(warningLead(plan[i]!));
        }
        expect(steps[0]).toMatchObject({ key: 'root', dueAt: T0 });
        expect(steps.at(-1)).toMatchObject({ key: 'summary', dueAt: sessionEnd(phases) });
      }),
    );
  });
});

describe('currentPhaseIndex', () => {
  it.each([
    [T0 - HR, 0],
    [T0, 0],
    [T0 + 5 * MIN - 1, 0],
    [T0 + 5 * MIN, 1],
    [T0 + 39 * MIN, 2],
    [T0 + 40 * MIN, 3],
    [T0 + 45 * MIN, 3],
    [T0 + DY, 3],
  ])('at %d is %d', (now, index) => {
    expect(currentPhaseIndex(defaultPhases(), now)).toBe(index);
  });
});

describe('advance', () => {
  it('ends the current phase now and moves the later ones earlier by the same amount', () => {
    const phases = defaultPhases();
    const now = T0 + 12 * MIN;
    const step = advance(phases, now);
    expect(step.from).toBe(1);
    expect(step.to).toBe(2);
    expect(step.boundary).toBe(T0 + 25 * MIN);
    expect(step.shiftMs).toBe(-13 * MIN);
    expect(step.phases).toEqual([
      phases[0],
      phases[1],
      { index: 2, plannedMs: 15 * MIN, startsAt: now },
      { index: 3, plannedMs: 5 * MIN, startsAt: now + 15 * MIN },
    ]);
    expect(sessionEnd(step.phases)).toBe(now + 20 * MIN);
  });

  it('does not change the phases it is given', () => {
    const phases = defaultPhases();
    const copy = structuredClone(phases);
    advance(phases, T0 + 2 * MIN);
    expect(phases).toEqual(copy);
  });

  it('says the session ends when the last phase is under way', () => {
    const step = advance(defaultPhases(), T0 + 42 * MIN);
    expect(step.from).toBe(3);
    expect(step.to).toBeNull();
    expect(step.boundary).toBe(T0 + 45 * MIN);
    expect(step.shiftMs).toBe(-3 * MIN);
    expect(step.phases).toEqual(defaultPhases());
  });

  it('moves on from the right phase after an earlier advance', () => {
    const first = advance(defaultPhases(), T0 + 2 * MIN);
    expect(first).toMatchObject({ from: 0, to: 1 });
    const second = advance(first.phases, T0 + 3 * MIN);
    expect(second).toMatchObject({ from: 1, to: 2, boundary: T0 + 22 * MIN, shiftMs: -19 * MIN });
    expect(second.phases.map((p) => p.startsAt)).toEqual([T0, T0 + 2 * MIN, T0 + 3 * MIN, T0 + 18 * MIN]);
  });

  it('always starts the next phase now, keeps earlier phases and the lengths of later ones', () => {
    fc.assert(
      fc.property(planArb, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (plan, at) => {
        const phases = schedulePhases(plan, T0);
        const now = T0 + Math.floor(at * (sessionEnd(phases) - T0));
        const step = advance(phases, now);
        expect(step.from).toBe(currentPhaseIndex(phases, now));
        expect(step.shiftMs).toBe(now - step.boundary);
        expect(step.boundary).toBe(phaseEnd(phases, step.from));
        for (const p of step.phases) {
          if (p.index <= step.from) expect(p).toEqual(phases[p.index]);
          else expect(p.startsAt).toBe(phases[p.index]!.startsAt + step.shiftMs);
          expect(p.plannedMs).toBe(plan[p.index]);
        }
        if (step.to === null) expect(step.from).toBe(3);
        else {
          expect(step.to).toBe(step.from + 1);
          expect(step.phases[step.to]!.startsAt).toBe(now);
          expect(phaseEnd(step.phases, step.from)).toBe(now);
          expect(lengths(step.phases).slice(step.to)).toEqual(lengths(phases).slice(step.to));
        }
      }),
    );
  });
});

describe('resume', () => {
  it('moves only what comes after the pause, by the time paused', () => {
    const phases = defaultPhases();
    const pausedAt = T0 + 12 * MIN;
    const moved = resume(phases, pausedAt, pausedAt + 10 * MIN);
    expect(moved.shiftMs).toBe(10 * MIN);
    expect(moved.phases.map((p) => p.startsAt)).toEqual([T0, T0 + 5 * MIN, T0 + 35 * MIN, T0 + 50 * MIN]);
    expect(moved.phases.map((p) => p.plannedMs)).toEqual(DEFAULT_PLAN);
    // the phase under way is longer by the pause; the time left in it is what was left when paused
    expect(phaseEnd(moved.phases, 1) - (pausedAt + 10 * MIN)).toBe(phaseEnd(phases, 1) - pausedAt);
    expect(sessionEnd(moved.phases)).toBe(sessionEnd(phases) + 10 * MIN);
  });

  it('does not move a phase that started exactly when the pause began', () => {
    const moved = resume(defaultPhases(), T0 + 5 * MIN, T0 + 8 * MIN);
    expect(moved.phases.map((p) => p.startsAt)).toEqual([T0, T0 + 5 * MIN, T0 + 28 * MIN, T0 + 43 * MIN]);
  });

  it('moves nothing when the clock went backwards', () => {
    const moved = resume(defaultPhases(), T0 + 12 * MIN, T0 + 11 * MIN);
    expect(moved.shiftMs).toBe(0);
    expect(moved.phases).toEqual(defaultPhases());
  });

  // A pause in the wrap-up (5/20/15/5 from T0, paused at T0+42 min, resumed at T0+52 min) gives back the
  // 3 minutes that were left: the session's end moves with the pause.
  it('gives back the time left when the pause was in the last phase', () => {
    const phases = defaultPhases();
    const moved = resume(phases, T0 + 42 * MIN, T0 + 52 * MIN);
    expect(moved.endsAt).toBe(T0 + 55 * MIN);
    expect(sessionEnd(moved.phases, moved.endsAt)).toBe(T0 + 55 * MIN);
    expect(phaseEnd(moved.phases, 3, moved.endsAt) - (T0 + 52 * MIN)).toBe(3 * MIN);
  });

  it('keeps the time left in every phase but the last wherever the pause falls', () => {
    fc.assert(
      fc.property(planArb, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 0, max: 2 * DY }), (plan, at, span) => {
        const phases = schedulePhases(plan, T0);
        const pausedAt = T0 + Math.floor(at * (sessionEnd(phases) - T0));
        const i = currentPhaseIndex(phases, pausedAt);
        fc.pre(i < 3);
        const moved = resume(phases, pausedAt, pausedAt + span);
        expect(moved.shiftMs).toBe(span);
        expect(phaseEnd(moved.phases, i) - (pausedAt + span)).toBe(phaseEnd(phases, i) - pausedAt);
        for (const p of moved.phases) {
          expect(p.startsAt).toBe(phases[p.index]!.startsAt + (p.index > i ? span : 0));
        }
        expect(sessionEnd(moved.phases)).toBe(sessionEnd(phases) + span);
      }),
    );
  });
});

describe('actualDurations', () => {
  it('gives the planned lengths when the session ran to the end', () => {
    expect(actualDurations(defaultPhases(), T0 + 45 * MIN)).toEqual(DEFAULT_PLAN);
  });

  it('lets the last phase run until the session really ended (a pause in it makes it longer)', () => {
    expect(actualDurations(defaultPhases(), T0 + 55 * MIN)).toEqual([5 * MIN, 20 * MIN, 15 * MIN, 15 * MIN]);
  });

  it('cuts the phase under way at the end and gives null for phases never reached', () => {
    expect(actualDurations(defaultPhases(), T0 + 12 * MIN)).toEqual([5 * MIN, 7 * MIN, null, null]);
    expect(actualDurations(defaultPhases(), T0 + 25 * MIN)).toEqual([5 * MIN, 20 * MIN, null, null]);
    expect(actualDurations(defaultPhases(), T0 + 25 * MIN + 1)).toEqual([5 * MIN, 20 * MIN, 1, null]);
    expect(actualDurations(defaultPhases(), T0)).toEqual([null, null, null, null]);
  });

  it('measures phases as they really ran after a next', () => {
    const { phases } = advance(defaultPhases(), T0 + 2 * MIN);
    expect(actualDurations(phases, T0 + 30 * MIN)).toEqual([2 * MIN, 20 * MIN, 8 * MIN, null]);
  });

  it('never gives more than the whole session, and null only after the end', () => {
    fc.assert(
      fc.property(planArb, fc.integer({ min: -HR, max: 13 * DY }), (plan, offset) => {
        const phases = schedulePhases(plan, T0);
        const endedAt = T0 + offset;
        const actual = actualDurations(phases, endedAt);
        actual.forEach((ms, i) => {
          if (phases[i]!.startsAt >= endedAt) expect(ms).toBeNull();
          else {
            expect(ms).toBeGreaterThan(0);
            if (i < phases.length - 1) expect(ms).toBeLessThanOrEqual(plan[i]!);
          }
        });
        const sum = actual.reduce<number>((a, b) => a + (b ?? 0), 0);
        expect(sum).toBe(Math.max(0, endedAt - T0));
      }),
    );
  });
});

describe('latenessWorthMentioning', () => {
  it('mentions only lateness over a minute', () => {
    const due = T0 + 5 * MIN;
    expect(latenessWorthMentioning(due, due)).toBeNull();
    expect(latenessWorthMentioning(due, due - 5 * MIN)).toBeNull();
    expect(latenessWorthMentioning(due, due + 30 * SEC)).toBeNull();
    expect(latenessWorthMentioning(due, due + MIN)).toBeNull();
    expect(latenessWorthMentioning(due, due + MIN + 1)).toBe(MIN + 1);
    expect(latenessWorthMentioning(due, due + 3 * HR)).toBe(3 * HR);
  });
});

describe('the live clock', () => {
  const live = (plan: number[], extra: Partial<{ status: string; level: string | null; candidateId: string | null }> = {}) => {
    const phases = schedulePhases(plan, T0);
    return { status: 'running', phases, endsAt: T0 + plan.reduce((a, b) => a + b, 0), candidateId: 'U1', level: null, ...extra };
  };

  it('ticks when the whole minutes left change, never more than once a minute', () => {
    const session = live([5 * MIN, 20 * MIN, 15 * MIN, 5 * MIN]);
    expect(nextClockTick(session, T0)).toBe(T0 + MIN);
    expect(nextClockTick(session, T0 + MIN + 20 * SEC)).toBe(T0 + 2 * MIN + 20 * SEC);
    // Under a minute left: the phase's end redraws the message anyway.
    expect(nextClockTick(session, T0 + 4 * MIN + 30 * SEC)).toBeUndefined();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 45 * MIN }), (offset) => {
        const tick = nextClockTick(session, T0 + offset);
        if (tick !== undefined) expect(tick - (T0 + offset)).toBeGreaterThanOrEqual(MIN);
      }),
    );
  });

  it('ticks hourly while more than two hours are left, and not at all when paused, over or not a live interview', () => {
    const study = live([DY, DY, DY, DY], { candidateId: null, level: 'senior' });
    expect(nextClockTick(study, T0 + 30 * MIN)).toBe(T0 + HR);
    expect(nextClockTick(live([5 * MIN, 5 * MIN, 5 * MIN, 5 * MIN], { status: 'paused' }), T0)).toBeUndefined();
    expect(nextClockTick(live([5 * MIN, 5 * MIN, 5 * MIN, 5 * MIN], { status: 'ended' }), T0)).toBeUndefined();
    expect(nextClockTick(live([5 * MIN, 5 * MIN, 5 * MIN, 5 * MIN], { candidateId: null }), T0)).toBeUndefined();
  });

  it('measures how far the phase under way has run', () => {
    const phases = schedulePhases([10 * MIN, 10 * MIN], T0);
    expect(phaseProgress(phases, 0, T0 + 20 * MIN, T0 + 5 * MIN)).toBe(0.5);
    expect(phaseProgress(phases, 1, T0 + 20 * MIN, T0 + 25 * MIN)).toBe(1);
    expect(phaseProgress(phases, 1, T0 + 20 * MIN, T0)).toBe(0);
  });
});
