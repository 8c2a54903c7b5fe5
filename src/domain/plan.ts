/** A session plan: how long each of the four phases lasts. */
import { DAY, formatPlanDuration, parseDuration, SECOND } from './duration.ts';
import { PHASE_COUNT, PHASES } from './phases.ts';
import { err, ok, type Result } from './result.ts';
import { clip } from './text.ts';

export type Plan = readonly number[];

export const MAX_PLAN_MS = 30 * DAY;
export const DEFAULT_PLAN: Plan = PHASES.map((p) => p.defaultMinutes * 60_000);
export const PLAN_EXAMPLE = '`--plan 5/20/15/5` (minutes) or `--plan 1d/3d/2d/1d` for a study group';

/** Parses "A/B/C/D" (units s, m, h, d; a bare number is minutes). The error says what is wrong and how to fix it. */
export function parsePlan(text: string): Result<Plan> {
  const parts = text.split('/');
  if (parts.length !== PHASE_COUNT) {
    return err(
      `A plan has ${PHASE_COUNT} phases separated by \`/\`; \`${clip(text)}\` has ${parts.length}. Try ${PLAN_EXAMPLE}.`,
    );
  }
  const plan: number[] = [];
  for (const part of parts) {
    const parsed = parseDuration(part);
    if (!parsed.ok) return err(`${parsed.error}: use a number with s, m, h or d. Try ${PLAN_EXAMPLE}.`);
    // Slack takes about one message a second in a channel: a shorter phase would be over before it was announced.
    if (parsed.value < SECOND) return err(`A phase lasts at least a second; \`${clip(part.trim())}\` is shorter. Try ${PLAN_EXAMPLE}.`);
    plan.push(parsed.value);
  }
  const total = plan.reduce((a, b) => a + b, 0);
  if (total > MAX_PLAN_MS) return err(`A session can last at most 30 days in all; \`${clip(text)}\` is longer. Try ${PLAN_EXAMPLE}.`);
  return ok(plan);
}

export function formatPlan(plan: Plan): string {
  return plan.map(formatPlanDuration).join('/');
}
