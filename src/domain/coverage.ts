/**
 * What still looks missing half-way through a phase, judged only from the notes taken so far.
 *
 * These are heuristics over free text, so they are written to stay quiet when unsure: a nudge an interviewer
 * can see is wrong costs trust, a missed one costs little. Notes of kind `feedback` and `question` do not count
 * as evidence, since they describe the conversation ("only one option so far?") rather than the design. The one
 * exception is the wrap-up, whose notes default to `feedback`: there a note that sums up the design counts.
 */
import { type Level, timeAdvice } from './levels.ts';
import type { NoteKind } from './notes.ts';
import { PHASES } from './phases.ts';
import type { PhaseKey } from './prompts.ts';

export interface CapturedNote {
  readonly phaseIndex: number;
  readonly kind: NoteKind;
  readonly text: string;
  readonly createdAt: number;
}

export type FindingKey =
  | 'no_nfr_numbers'
  | 'no_api'
  | 'diagram_before_api'
  | 'no_problem'
  | 'single_option'
  | 'no_decision'
  | 'no_numbers_in_trade_offs'
  | 'no_failure_mode'
  | 'no_operations_or_cost'
  | 'no_summary';

export interface Finding {
  readonly key: FindingKey;
  /** One line for the interviewer, plain text. */
  readonly text: string;
}

export const FINDINGS: Readonly<Record<FindingKey, string>> = {
  no_nfr_numbers: 'No non-functional numbers noted yet: latency, availability, users or requests per second.',
  no_api: 'No API noted yet: ask for the endpoints with their inputs and outputs before more boxes.',
  diagram_before_api: 'Components were noted before any API: the diagram came before the contract.',
  no_problem: 'No deep-dive problem noted yet.',
  single_option: 'No problem noted so far weighs two options: ask for an alternative and the trade-off.',
  no_decision: 'No decision noted yet: ask which option they would pick, and why.',
  no_numbers_in_trade_offs: 'No numbers behind the trade-offs yet: ask for a quick estimate.',
  no_failure_mode: 'No failure mode noted yet: ask what happens when a component goes down.',
  no_operations_or_cost: 'Nothing on operations or cost noted yet: monitoring, rollout, what it costs to run.',
  no_summary: 'No summary noted yet: ask for the design in a few sentences.',
};

const NUMBER = String.raw`\d+(?:[.,]\d+)*`;
const UNITS = [
  'qps|rps|tps|ops|req(?:uest)?s?|reads?|writes?|users?|dau|mau|clicks?|messages?|events?|x',
  'ms|milliseconds?|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|weeks?|months?|years?',
  '[kmgtpe]i?b|bytes?',
  'servers?|nodes?|machines?|shards?|partitions?|replicas?|regions?|zones?|instances?',
].join('|');

/** A quantity with a unit or a scale word. A bare count ("top 3 features") or a name ("base62", "S3") is not one. */
const SCALE_NUMBER: readonly RegExp[] = [
  new RegExp(String.raw`\b${NUMBER}\s*(?:k|m|mm|b|bn|thousand|million|billion|trillion)\b`, 'i'),
  new RegExp(String.raw`\b${NUMBER}\s*(?:${UNITS})(?![a-z])`, 'i'),
  new RegExp(String.raw`\b${NUMBER}\s*(?:/|per\s)\s*(?:s|sec|second|min|minute|h|hour|day|month|user)\b`, 'i'),
  new RegExp(String.raw`\b${NUMBER}\s*%`),
  /\b\d+\s*:\s*\d+\b/, // a ratio such as 100:1
  /\b(?:two|three|four|five) nines\b/i,
  /\b(?:thousands|millions|billions|trillions)\b/i,
];

export function hasScaleNumber(text: string): boolean {
  return SCALE_NUMBER.some((re) => re.test(text));
}

/** An endpoint written out ("POST /links", "GET /feed?cursor="), for API notes saved under another kind. */
export function looksLikeApi(text: string): boolean {
  return /\b(?:GET|POST|PUT|PATCH|DELETE)\s+\/\S*/.test(text);
}

/** Signs that one note weighs two options against each other. */
const TWO_OPTIONS: readonly RegExp[] = [
  /\bvs\.?(?!\w)/i,
  /\b(?:versus|instead of|rather than|alternatively|whereas|either|on the other hand)\b/i,
  /\bcompared? (?:to|with)\b/i,
  /\balternative(?:\s*:|\s+(?:is|would|could)\b)/i,
  /\btwo (?:options|approaches|ways|choices)\b/i,
  /\boption\s*(?:b|2|two)\b/i,
  /\bor\b/i,
  /\b(?:chose|chosen|choose|picked|prefer(?:red)?|went with|go with)\b.*\bover\b/i,
  /(?:^|\s)(?:1|a)[.)]\s[\s\S]*?(?:^|\s)(?:2|b)[.)]\s/i, // "1) ... 2) ..." or "a. ... b. ..."
];

export function weighsTwoOptions(text: string): boolean {
  return TWO_OPTIONS.some((re) => re.test(text));
}

/** A note that is itself one option ("Option A: ...", "b) ..."): two of them in a phase are two options. */
function isOptionNote(text: string): boolean {
  return /^\s*(?:(?:option|alternative|approach)\b|[a-d1-4][.):]\s)/i.test(text);
}

/**
 * A choice made: "decided", "we'll go with", "picked", "decision: ...". Not an intention or an open question:
 * "need to decide", "haven't chosen", "no decision yet", "decision: TBD".
 */
export function statesDecision(text: string): boolean {
  return /(?<!(?:\bto|\bnot|\byet|\bnever|\bno|n't)\s+)\b(?:decided|decision|chose|chosen|choose|picked|pick|go(?:ing)? with|went with|settled? on|opt(?:ed)? for|selected|we(?:'ll| will) use)\b(?!\s*:?\s*(?:pending|tbd|open|later|needed)\b)/i.test(
    text,
  );
}

const FAILURE =
  /\b(?:fail(?:s|ed|ing|ure|ures|over)?|outages?|crash(?:es|ed)?|dies|timeouts?|retr(?:y|ies)|split[- ]brain|degraded?|fallback|back-?pressure|replica lag|disaster|recover(?:y|s|ed)?|redundan(?:t|cy)|(?:goes|go|is|are|went) down)\b/i;
const OPERATIONS_OR_COST =
  /\b(?:monitor(?:s|ed|ing)?|alert(?:s|ed|ing)?|metrics?|dashboards?|on-?call|runbooks?|deploy(?:s|ed|ment|ments)?|roll-?outs?|canary|migrat(?:e|es|ion|ions)|observability|slos?|costs?|cheap(?:er)?|expensive|budget|spend)\b|\$\s?\d/i;
// Not "overall": interviewers' feedback often says "good overall" without summing up the design.
const SUMMARY = /\b(?:summary|summari[sz](?:e|es|ed|ing)|to sum up|recap|in short|stands? out)\b/i;

function isEvidence(note: CapturedNote): boolean {
  return note.kind !== 'feedback' && note.kind !== 'question';
}

function phaseIndexOf(key: PhaseKey): number {
  return PHASES.findIndex((p) => p.key === key);
}

function finding(key: FindingKey): Finding {
  return { key, text: FINDINGS[key] };
}

/**
 * What the notes so far do not show yet, for the nudge half-way through `phaseKey`, in the order to raise it:
 * - requirements: no non-functional number (a requirement note, or any note of the phase, with a quantity);
 * - high-level: no API (an `api` note, or an endpoint written in any note) or a component noted before the first API;
 * - deep dive: no problem (`trade_off` note of the phase) yet; once there is one, no note of the phase weighing two
 *   options, no decision, and from senior up no quantity; at staff also nothing on failure modes, or on operations
 *   and cost, in any note so far;
 * - wrap-up: no summary (a note of the phase that is not feedback, or feedback that summarises).
 */
export function missingAtMidpoint(phaseKey: PhaseKey, notes: readonly CapturedNote[], level?: Level): readonly Finding[] {
  const index = phaseIndexOf(phaseKey);
  const evidence = notes.filter(isEvidence);
  const inPhase = evidence.filter((n) => n.phaseIndex === index);
  switch (phaseKey) {
    case 'requirements': {
      const stated = evidence.filter((n) => n.kind === 'requirement' || n.phaseIndex === index);
      return stated.some((n) => hasScaleNumber(n.text)) ? [] : [finding('no_nfr_numbers')];
    }
    case 'high_level':
      return highLevelFindings(evidence);
    case 'deep_dive':
      return deepDiveFindings(inPhase, evidence, level);
    case 'wrap_up': {
      const summarised = notes.some((n) => n.phaseIndex === index && n.kind !== 'question' && (n.kind !== 'feedback' || SUMMARY.test(n.text)));
      return summarised ? [] : [finding('no_summary')];
    }
  }
}

function highLevelFindings(evidence: readonly CapturedNote[]): Finding[] {
  const apiTimes = evidence.filter((n) => n.kind === 'api' || looksLikeApi(n.text)).map((n) => n.createdAt);
  if (apiTimes.length === 0) return [finding('no_api')];
  const componentTimes = evidence.filter((n) => n.kind === 'component').map((n) => n.createdAt);
  // A component noted in the same millisecond as the first API is given the benefit of the doubt.
  return componentTimes.length > 0 && Math.min(...componentTimes) < Math.min(...apiTimes) ? [finding('diagram_before_api')] : [];
}

function deepDiveFindings(inPhase: readonly CapturedNote[], evidence: readonly CapturedNote[], level: Level | undefined): Finding[] {
  const found: Finding[] = [];
  if (!inPhase.some((n) => n.kind === 'trade_off')) {
    found.push(finding('no_problem'));
  } else {
    // Options are often noted one per note, so the phase is judged as a whole rather than note by note.
    const weighed = inPhase.some((n) => weighsTwoOptions(n.text)) || inPhase.filter((n) => isOptionNote(n.text)).length >= 2;
    if (!weighed) found.push(finding('single_option'));
    if (!inPhase.some((n) => statesDecision(n.text))) found.push(finding('no_decision'));
    if ((level === 'senior' || level === 'staff') && !inPhase.some((n) => hasScaleNumber(n.text))) {
      found.push(finding('no_numbers_in_trade_offs'));
    }
  }
  if (level === 'staff') {
    // A staff candidate may have raised these in any phase, so every note so far counts.
    if (!evidence.some((n) => FAILURE.test(n.text))) found.push(finding('no_failure_mode'));
    if (!evidence.some((n) => OPERATIONS_OR_COST.test(n.text))) found.push(finding('no_operations_or_cost'));
  }
  return found;
}

export interface MidpointNudge {
  readonly missing: readonly Finding[];
  readonly timeAdvice: readonly string[];
}

/** The private note an interviewer gets half-way through a phase. */
export function midpointNudge(input: {
  readonly phaseKey: PhaseKey;
  readonly notes: readonly CapturedNote[];
  readonly plannedMs: number;
  readonly level?: Level | undefined;
}): MidpointNudge {
  const deepDive = phaseIndexOf('deep_dive');
  const deepDivesNoted = input.notes.filter((n) => n.phaseIndex === deepDive && n.kind === 'trade_off').length;
  return {
    missing: missingAtMidpoint(input.phaseKey, input.notes, input.level),
    timeAdvice: timeAdvice(input.phaseKey, { moment: 'midpoint', plannedMs: input.plannedMs, deepDivesNoted }),
  };
}
