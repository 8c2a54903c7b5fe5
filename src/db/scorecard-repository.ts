/**
 * Scorecards over plain SQL shared by SQLite and PostgreSQL: one row per scorer and session, the card itself as
 * JSON in `body`. Rows are checked with zod on the way out, so a card read back has the domain's types.
 */
import { z } from 'zod';
import type { ScorecardRepository } from '../app/ports.ts';
import {
  RECOMMENDATIONS,
  RED_FLAGS,
  RUBRIC,
  type DimensionKey,
  type DimensionScore,
  type RecommendationKey,
  type RedFlagKey,
  type Scorecard,
} from '../domain/scorecard.ts';
import { num, type SqlExecutor } from './sql.ts';

const int = z.preprocess(num, z.number().int());

const DIMENSION_KEYS = RUBRIC.map((d) => d.key) as [DimensionKey, ...DimensionKey[]];
const FLAG_KEYS = RED_FLAGS.map((f) => f.key) as [RedFlagKey, ...RedFlagKey[]];
const RECOMMENDATION_KEYS = RECOMMENDATIONS.map((r) => r.key) as [RecommendationKey, ...RecommendationKey[]];

const DimensionScoreJson = z.object({
  score: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  evidence: z.string().optional(),
});

/** What `body` holds: the card without the columns of its row. */
const Body = z.object({
  scores: z.partialRecord(z.enum(DIMENSION_KEYS), DimensionScoreJson),
  redFlags: z.array(z.enum(FLAG_KEYS)),
  recommendation: z.enum(RECOMMENDATION_KEYS).optional(),
  strengths: z.string(),
  improvements: z.string(),
});

const ScorecardRow = z.object({
  scorer_id: z.string(),
  role: z.enum(['interviewer', 'observer', 'candidate']),
  body: z.string(),
  submitted_at: int,
  updated_at: int,
});

function toScorecard(row: unknown): Scorecard {
  const r = ScorecardRow.parse(row);
  const body = Body.parse(JSON.parse(r.body));
  const scores: Partial<Record<DimensionKey, DimensionScore>> = {};
  for (const d of RUBRIC) {
    const entry = body.scores[d.key];
    if (entry) scores[d.key] = entry.evidence === undefined ? { score: entry.score } : { score: entry.score, evidence: entry.evidence };
  }
  return {
    scorerId: r.scorer_id,
    role: r.role,
    scores,
    redFlags: body.redFlags,
    ...(body.recommendation === undefined ? {} : { recommendation: body.recommendation }),
    strengths: body.strengths,
    improvements: body.improvements,
    submittedAt: r.submitted_at,
    updatedAt: r.updated_at,
  };
}

function bodyOf(card: Scorecard): string {
  return JSON.stringify({
    scores: card.scores,
    redFlags: card.redFlags,
    ...(card.recommendation === undefined ? {} : { recommendation: card.recommendation }),
    strengths: card.strengths,
    improvements: card.improvements,
  });
}

const COLUMNS = 'scorer_id, role, body, submitted_at, updated_at';

export function createScorecardRepository(db: SqlExecutor): ScorecardRepository {
  return {
    async save(sessionId, card) {
      await db.run(
        `INSERT INTO scorecards (session_id, scorer_id, role, body, submitted_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (session_id, scorer_id) DO UPDATE SET role = excluded.role, body = excluded.body, updated_at = excluded.updated_at`,
        [sessionId, card.scorerId, card.role, bodyOf(card), card.submittedAt, card.updatedAt],
      );
    },

    async forSession(sessionId) {
      const rows = await db.all(`SELECT ${COLUMNS} FROM scorecards WHERE session_id = $1 ORDER BY submitted_at, scorer_id`, [sessionId]);
      return rows.map(toScorecard);
    },

    async find(sessionId, scorerId) {
      const row = await db.get(`SELECT ${COLUMNS} FROM scorecards WHERE session_id = $1 AND scorer_id = $2`, [sessionId, scorerId]);
      return row ? toScorecard(row) : undefined;
    },
  };
}
