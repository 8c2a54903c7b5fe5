/** A session plan: how long each of the four phases lasts. */
import { DAY, formatPlanDuration, looksLikeDuration, parseDuration } from './duration.ts';
import { PHASE_COUNT, PHASES } from './phases.ts';
import { err, ok, type Result } from './result.ts';
import { clip } from './text.ts';

export type Plan = readonly number[];

export const MAX_PLAN_MS = 30 * DAY;
export const DEFAULT_PLAN: Plan = PHASES.map((p) => p.defaultMinutes * 60_000);
export const PLAN_EXAMPLE = '`--plan 5/20/15/5` (minutes) or `--plan 1d/3d/2d/1d` for a study group';

/**
 * Parses "A/B/C/D" (units s, m, h, d; a bare number is minutes). Each phase is whole seconds, at least one (Slack
 * takes about one message a second in a channel: a shorter phase would be over before it was announced). The error
 * says what is wrong and how to fix it.
 */
export function parsePlan(text: string): Result<Plan> {
  const parts = text.split('/');
  if (parts.length !== PHASE_COUNT) {
    const separated = separatedOtherwise(parts);
    if (separated) return err(`Separate the ${PHASE_COUNT} phases with \`/\`, e.g. \`--plan ${separated}\`.`);
    return err(
      `A plan has ${PHASE_COUNT} phases separated by \`/\`; \`${clip(text)}\` has ${parts.length}. Try ${PLAN_EXAMPLE}.`,
    );
  }
  const plan: number[] = [];
  for (const [i, part] of parts.entries()) {
    // An empty phase (`5//15/5`) would be quoted back as an empty code span, which Slack shows as two backticks.
    if (part.trim() === '') return err(`Phase ${i + 1} of the plan is empty: give it a length. Try ${PLAN_EXAMPLE}.`);
    const parsed = parseDuration(part);
    if (!parsed.ok) return err(`${parsed.error}. Try ${PLAN_EXAMPLE}.`);
    plan.push(parsed.value);
  }
  const total = plan.reduce((a, b) => a + b, 0);
  if (total > MAX_PLAN_MS) return err(`A session can last at most 30 days in all; \`${clip(text)}\` is longer. Try ${PLAN_EXAMPLE}.`);
  return ok(plan);
}

/**
 * Durations separated by spaces or commas (`30s 30s 30s`, `5, 20, 15, 5`) where a `/` belongs: "has 1 phase" would
 * not say what to change. Returns the plan as it should be written, from their durations (the last one repeated or
 * the extra ones dropped to make four), or a working example when theirs would still not be a plan; undefined
 * when the parts are not durations separated that way.
 */
function separatedOtherwise(parts: readonly string[]): string | undefined {
  // A space before a digit starts the next duration; one before a unit belongs to the number ("5 min 20 min").
  const pieces = parts.flatMap((part) => part.trim().split(/\s*,\s*|\s+(?=\d)/)).filter((piece) => piece !== '');
  if (pieces.length <= parts.length || !pieces.every(looksLikeDuration)) return undefined;
  const four = Array.from({ length: PHASE_COUNT }, (_, i) => pieces[Math.min(i, pieces.length - 1)] ?? '');
  const plan = four.map((piece) => parseDuration(piece));
  const written = plan.every((p) => p.ok) ? plan.map((p) => formatPlanDuration(p.value)).join('/') : undefined;
  return written !== undefined && parsePlan(written).ok ? written : '5/20/15/5';
}

export function formatPlan(plan: Plan): string {
  return plan.map(formatPlanDuration).join('/');
}
