/** Configuration: one zod schema over the environment, parsed once at start-up. The only reader of process.env is main.ts. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cron from 'node-cron';
import { z } from 'zod';
import { MAKE_TOKEN_KEY, parseTokenKey, parseTokenKeys, type TokenKey, TokenKeyError } from './security/token-cipher.ts';
import { DEFAULT_CONCURRENCY } from './app/dispatcher.ts';

export type DatabaseTarget = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };

export const ACCEPTED_DATABASES =
  'a SQLite file (./data/mockdesign.db, /abs/path.db, sqlite:./x.db, file:///abs/x.db, :memory:) or PostgreSQL (postgres://user:password@host:5432/db or postgresql://…)';

export const DEFAULT_DATABASE_URL = './data/mockdesign.db';

const PUBLIC_URL_MESSAGE = 'must be the https:// address Slack reaches this app at, such as https://mockdesign.example.com';

/** Plain http:// is for this machine only: the sandbox and the tests serve the install pages on 127.0.0.1. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

function isPublicScheme(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || (protocol === 'http:' && LOOPBACK_HOSTS.has(hostname));
}

const MIN_POST_CONCURRENCY = 1;
const MAX_POST_CONCURRENCY = 1000;
const POST_CONCURRENCY_MESSAGE = `must be a whole number from ${MIN_POST_CONCURRENCY} to ${MAX_POST_CONCURRENCY}, such as ${DEFAULT_CONCURRENCY}`;
const POST_CONCURRENCY_RANGE_MESSAGE = `is out of range: set it from ${MIN_POST_CONCURRENCY} to ${MAX_POST_CONCURRENCY} (posts in flight at once), such as ${DEFAULT_CONCURRENCY}`;

const token = (prefix: string, example: string) =>
  z
    .string()
    .trim()
    .refine((v) => v.startsWith(prefix) && v.length > prefix.length + 8, { message: `must look like ${example}` });

const Env = z
  .object({
    SLACK_BOT_TOKEN: token('xoxb-', 'xoxb-1234-5678-abcd (OAuth & Permissions → Bot User OAuth Token)').optional(),
    SLACK_CLIENT_ID: z
      .string()
      .trim()
      .regex(/^\d+\.\d+$/, { message: 'must be the Client ID from Basic Information → App Credentials, such as 1234567890.1234567890' })
      .optional(),
    SLACK_CLIENT_SECRET: z
      .string()
      .trim()
      .regex(/^[0-9a-f]{16,}$/i, { message: 'must be the hex Client Secret from Basic Information → App Credentials' })
      .optional(),
    SLACK_STATE_SECRET: z.string().trim().min(16, { message: 'must be a random string of at least 16 characters (it signs install links)' }).optional(),
    SLACK_TOKEN_KEY: z
      .string()
      .trim()
      .refine((v) => tryParseKey(v, 'SLACK_TOKEN_KEY') === undefined, { message: `must be 32 random bytes in base64 or hex; make one with ${MAKE_TOKEN_KEY}` })
      .optional(),
    SLACK_TOKEN_KEY_PREVIOUS: z
      .string()
      .trim()
      .refine((v) => tryParseKeys(v) === undefined, { message: 'must be earlier SLACK_TOKEN_KEY values, comma-separated' })
      .optional(),
    PUBLIC_URL: z
      .url({ message: PUBLIC_URL_MESSAGE, abort: true })
      // z.url takes any scheme (ftp://, mailto:); Slack sends people and the OAuth redirect only to https://.
      .refine(isPublicScheme, { message: PUBLIC_URL_MESSAGE })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
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
    // Digits only: z.coerce.number would read an empty PORT as 0 (a random port) and 0x50 as 80.
    PORT: z
      .string()
      .default('3000')
      .refine((v) => /^\d{1,5}$/.test(v) && Number(v) <= 65535, { message: 'must be a port number from 0 to 65535, such as 3000' })
      .transform(Number),
    DATABASE_URL: z
      .string()
      .trim()
      .default(DEFAULT_DATABASE_URL)
      .superRefine((v, ctx) => {
        const target = databaseFrom(v);
        // Empty reaches here (see EMPTY_REFUSED) and would be the working directory itself.
        if (v === '' || !target) {
          ctx.addIssue({ code: 'custom', message: `is not a database this app can use. Accepted: ${ACCEPTED_DATABASES}` });
        } else if (target.kind === 'postgres' && !postgresUrlParses(v)) {
          // Otherwise refused only when connecting, as a server that "could not be reached". Never repeats the value.
          ctx.addIssue({
            code: 'custom',
            message:
              'is not a valid PostgreSQL URL. Write it as postgres://user:password@host:5432/db (or postgresql://…), with a numeric port and any @ : / ? # % in the user or password percent-encoded (# as %23, @ as %40).',
          });
        }
      }),
    TICK_CRON: z
      .string()
      .trim()
      .default('* * * * * *')
      .refine((v) => cron.validate(v), { message: "must be a cron expression; '* * * * * *' ticks every second" }),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], { message: 'must be one of debug, info, warn, error' }).default('info'),
    // Each check says its own thing: the schema's message alone would call 2000 or 0 "not a whole number".
    POST_CONCURRENCY: z.coerce
      .number({ message: POST_CONCURRENCY_MESSAGE })
      .int({ message: POST_CONCURRENCY_MESSAGE })
      .min(MIN_POST_CONCURRENCY, { message: POST_CONCURRENCY_RANGE_MESSAGE })
      .max(MAX_POST_CONCURRENCY, { message: POST_CONCURRENCY_RANGE_MESSAGE })
      .default(DEFAULT_CONCURRENCY),
  })
  .superRefine((env, ctx) => {
    const oauthSet = OAUTH_VARIABLES.filter((name) => env[name] !== undefined);
    if (env.SLACK_BOT_TOKEN && oauthSet.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_BOT_TOKEN'],
        message: `is set together with ${oauthSet.join(', ')}: set SLACK_BOT_TOKEN for one workspace, or ${OAUTH_VARIABLES.join(', ')} (without SLACK_BOT_TOKEN) to install in many, not both`,
      });
    } else if (!env.SLACK_BOT_TOKEN) {
      const missing = OAUTH_VARIABLES.filter((name) => env[name] === undefined);
      if (oauthSet.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['SLACK_BOT_TOKEN'],
          message: `is required for one workspace (or set ${OAUTH_VARIABLES.join(', ')} to install in many workspaces)`,
        });
      } else if (missing.length > 0) {
        ctx.addIssue({ code: 'custom', path: [missing.join(', ')], message: `${missing.length === 1 ? 'is' : 'are'} missing: installing in many workspaces needs ${OAUTH_VARIABLES.join(', ')}` });
      }
    }
    if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'is required for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
      });
    }
  });

/** Install in many workspaces: all four, and no SLACK_BOT_TOKEN. */
export const OAUTH_VARIABLES = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'SLACK_TOKEN_KEY'] as const;

function tryParseKey(text: string, name: string): TokenKeyError | undefined {
  try {
    parseTokenKey(text, name);
    return undefined;
  } catch (error) {
    if (error instanceof TokenKeyError) return error;
    throw error;
  }
}

function tryParseKeys(text: string): TokenKeyError | undefined {
  try {
    parseTokenKeys(text);
    return undefined;
  } catch (error) {
    if (error instanceof TokenKeyError) return error;
    throw error;
  }
}

/** One workspace with a bot token, or many with OAuth installs (tokens per installation in the database). */
export type SlackAuth =
  | { readonly kind: 'single'; readonly botToken: string }
  | {
      readonly kind: 'oauth';
      readonly clientId: string;
      readonly clientSecret: string;
      readonly stateSecret: string;
      readonly tokenKey: TokenKey;
      readonly previousTokenKeys: readonly TokenKey[];
    };

export interface Config {
  readonly mode: 'http' | 'socket';
  readonly auth: SlackAuth;
  /** Where Slack and people reach this app (install links, the OAuth redirect); optional. */
  readonly publicUrl: string | undefined;
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

/**
 * Whether pg can read this postgres:// URL: as a URL, or with no host before the path (postgres://user@/db?host=/run/postgresql),
 * which pg accepts too.
 */
function postgresUrlParses(url: string): boolean {
  return URL.canParse(url) || URL.canParse(url.replace('@/', '@localhost/'));
}

/**
 * DATABASE_URL for the scripts (backup, purge), read as the app reads it: the default when unset, and refused when
 * empty (see EMPTY_REFUSED), rather than acting on ./data/mockdesign.db.
 */
export function databaseUrlFrom(env: NodeJS.ProcessEnv): string {
  const url = env.DATABASE_URL;
  if (url === '') throw new ConfigError(`DATABASE_URL is empty: set it to the database mockdesign uses, or leave it out for ${DEFAULT_DATABASE_URL}.`);
  return url ?? DEFAULT_DATABASE_URL;
}

/** The SQLite path for a DATABASE_URL that names one (tests and scripts). */
export function databasePathFrom(url: string): string {
  const target = databaseFrom(url);
  // The value is never repeated: a database URL may carry a password. The hint names --file: without it pg_dump
  // writes the binary dump to the terminal. It is the README's command, so the two say the same.
  if (target?.kind === 'postgres') {
    throw new ConfigError('DATABASE_URL names a PostgreSQL database; this is for SQLite only. On PostgreSQL use pg_dump --format=custom --file=mockdesign-$(date +%F).dump "$DATABASE_URL".');
  }
  if (!target) throw new ConfigError(`DATABASE_URL is not a SQLite file. Accepted: ${ACCEPTED_DATABASES}`);
  return target.path;
}

const QUOTED = /^(["'`]).*\1$/s;

/**
 * Variables whose value has spaces or a line break at either end, or is wrapped in quotes: the environment keeps
 * both as part of the value (a shell `export A=" x"`, Docker's --env-file, a copied line), and Node's `.env` loader
 * strips them only in the file. Such a value is refused rather than trimmed or taken as it is (a quoted path would
 * be a folder named `"`), with a message that names the variable and never shows the value.
 */
function strayProblems(env: NodeJS.ProcessEnv): Map<string, string> {
  const problems = new Map<string, string>();
  for (const name of Object.keys(Env.shape)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const accepted = name === 'DATABASE_URL' ? ` Accepted: ${ACCEPTED_DATABASES}` : '';
    if (value !== value.trim()) {
      problems.set(name, `has spaces or a line break at its start or end: remove them.${accepted}`);
    } else if (QUOTED.test(value)) {
      problems.set(name, `is wrapped in quotes, which the environment keeps as part of the value: remove them.${accepted}`);
    }
  }
  return problems;
}

/**
 * Variables whose empty value is refused rather than read as unset. `PORT=${PORT}` or `DATABASE_URL=${DB}` in a
 * compose file passes an empty value when nothing stands behind it; the default in its place would go unnoticed:
 * a port nobody routes to, or a SQLite file of its own for an instance meant to share a PostgreSQL database.
 */
const EMPTY_REFUSED: ReadonlySet<string> = new Set(['PORT', 'DATABASE_URL']);

/**
 * The environment with every other empty variable left out. `NAME=` in a `.env` copied from the example (or passed
 * through empty) means "not set": an empty SLACK_BOT_TOKEN leaves the OAuth variables to choose the mode, an empty
 * LOG_LEVEL is the default, rather than each being refused as malformed.
 */
function withoutEmpty(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const name of Object.keys(Env.shape)) {
    const value = env[name];
    if (value === undefined || (value === '' && !EMPTY_REFUSED.has(name))) continue;
    kept[name] = value;
  }
  return kept;
}

export function loadConfig(env: NodeJS.ProcessEnv): Readonly<Config> {
  const stray = strayProblems(env);
  const parsed = Env.safeParse(withoutEmpty(env));
  if (!parsed.success || stray.size > 0) {
    // A variable with stray spaces or quotes is named once, for that; what else its value would fail says nothing more.
    const issues = parsed.success ? [] : parsed.error.issues.filter((issue) => !stray.has(String(issue.path[0])));
    const lines = [
      ...[...stray].map(([name, message]) => `  ${name} ${message}`),
      ...issues.map((issue) => `  ${issue.path.join('.') || 'environment'} ${issue.message}`),
    ];
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee .env.example for every variable.`);
  }
  const e = parsed.data;
  return Object.freeze({
    mode: e.SLACK_APP_TOKEN ? 'socket' : 'http',
    auth: e.SLACK_BOT_TOKEN
      ? { kind: 'single', botToken: e.SLACK_BOT_TOKEN }
      : {
          kind: 'oauth',
          clientId: e.SLACK_CLIENT_ID ?? '',
          clientSecret: e.SLACK_CLIENT_SECRET ?? '',
          stateSecret: e.SLACK_STATE_SECRET ?? '',
          tokenKey: parseTokenKey(e.SLACK_TOKEN_KEY ?? ''),
          previousTokenKeys: e.SLACK_TOKEN_KEY_PREVIOUS ? parseTokenKeys(e.SLACK_TOKEN_KEY_PREVIOUS) : [],
        },
    publicUrl: e.PUBLIC_URL,
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
