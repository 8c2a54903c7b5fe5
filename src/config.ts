/** Configuration: one zod schema over the environment, parsed once at start-up. The only reader of process.env is main.ts. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cron from 'node-cron';
import { z } from 'zod';

export type DatabaseTarget = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };

export const ACCEPTED_DATABASES =
  'a SQLite file (./data/mockdesign.db, /abs/path.db, sqlite:./x.db, file:///abs/x.db, :memory:) or PostgreSQL (postgres://user:password@host:5432/db or postgresql://…)';

const token = (prefix: string, example: string) =>
  z
    .string()
    .trim()
    .refine((v) => v.startsWith(prefix) && v.length > prefix.length + 8, { message: `must look like ${example}` });

const Env = z
  .object({
    SLACK_BOT_TOKEN: token('xoxb-', 'xoxb-1234-5678-abcd (OAuth & Permissions → Bot User OAuth Token)'),
    SLACK_SIGNING_SECRET: z
      .string()
      .trim()
      .regex(/^[0-9a-f]{16,}$/i, { message: 'must be the hex Signing Secret from Basic Information → App Credentials' })
      .optional(),
    SLACK_APP_TOKEN: token('xapp-', 'xapp-1-A123-456-abcd (Basic Information → App-Level Tokens, scope connections:write)').optional(),
    SLACK_API_URL: z
      .url({ message: 'must be a URL such as https://slack.com/api/' })
      .default('https://slack.com/api/')
      .transform((u) => (u.endsWith('/') ? u : `${u}/`)),
    PORT: z.coerce.number({ message: 'must be a port number such as 3000' }).int().min(0).max(65535).default(3000),
    DATABASE_URL: z
      .string()
      .trim()
      .min(1)
      .default('./data/mockdesign.db')
      .refine((v) => databaseFrom(v) !== undefined, {
        message: `is not a database this app can use. Accepted: ${ACCEPTED_DATABASES}`,
      }),
    TICK_CRON: z
      .string()
      .trim()
      .default('* * * * * *')
      .refine((v) => cron.validate(v), { message: "must be a cron expression; '* * * * * *' ticks every second" }),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], { message: 'must be one of debug, info, warn, error' }).default('info'),
    POST_CONCURRENCY: z.coerce.number({ message: 'must be a whole number such as 100' }).int().min(1).max(1000).default(100),
  })
  .superRefine((env, ctx) => {
    if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'is required for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
      });
    }
  });

export interface Config {
  readonly mode: 'http' | 'socket';
  readonly botToken: string;
  readonly signingSecret: string | undefined;
  readonly appToken: string | undefined;
  readonly slackApiUrl: string;
  readonly port: number;
  readonly database: DatabaseTarget;
  readonly tickCron: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly postConcurrency: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads DATABASE_URL. A URL with a scheme we do not know is refused rather than taken for a file name, which
 * would quietly create a folder such as `postgres:` in the working directory.
 */
export function databaseFrom(url: string): DatabaseTarget | undefined {
  if (/^postgres(ql)?:\/\/./i.test(url)) return { kind: 'postgres', url };
  if (url === ':memory:' || url === 'sqlite::memory:') return { kind: 'sqlite', path: ':memory:' };
  if (url.startsWith('file://') || url.startsWith('sqlite://')) {
    return { kind: 'sqlite', path: fileURLToPath(`file://${url.slice(url.indexOf('://') + 3)}`) };
  }
  if (/^(sqlite|file):/.test(url)) return { kind: 'sqlite', path: resolve(url.replace(/^(sqlite|file):/, '')) };
  // Any other `scheme:` (mysql://, postgres:/x, redis:…) is a mistake, not a path. A Windows drive (C:\) is a path.
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) && !/^[a-z]:[\\/]/i.test(url)) return undefined;
  return { kind: 'sqlite', path: resolve(url) };
}

/** The SQLite path for a DATABASE_URL that names one (tests and scripts). */
export function databasePathFrom(url: string): string {
  const target = databaseFrom(url);
  if (target?.kind !== 'sqlite') throw new ConfigError(`DATABASE_URL ${url} is not a SQLite file. Accepted: ${ACCEPTED_DATABASES}`);
  return target.path;
}

export function loadConfig(env: NodeJS.ProcessEnv): Readonly<Config> {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || 'environment'} ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee .env.example for every variable.`);
  }
  const e = parsed.data;
  return Object.freeze({
    mode: e.SLACK_APP_TOKEN ? 'socket' : 'http',
    botToken: e.SLACK_BOT_TOKEN,
    signingSecret: e.SLACK_SIGNING_SECRET,
    appToken: e.SLACK_APP_TOKEN,
    slackApiUrl: e.SLACK_API_URL,
    port: e.PORT,
    database: databaseFrom(e.DATABASE_URL) ?? { kind: 'sqlite', path: resolve(e.DATABASE_URL) },
    tickCron: e.TICK_CRON,
    logLevel: e.LOG_LEVEL,
    postConcurrency: e.POST_CONCURRENCY,
  } satisfies Config);
}
