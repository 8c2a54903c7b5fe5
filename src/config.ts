/** Configuration: one zod schema over the environment, parsed once at start-up. The only reader of process.env is main.ts. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cron from 'node-cron';
import { z } from 'zod';

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
    DATABASE_URL: z.string().trim().min(1).default('./data/mockdesign.db'),
    TICK_CRON: z
      .string()
      .trim()
      .default('* * * * * *')
      .refine((v) => cron.validate(v), { message: "must be a cron expression; '* * * * * *' ticks every second" }),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], { message: 'must be one of debug, info, warn, error' }).default('info'),
    POST_CONCURRENCY: z.coerce.number({ message: 'must be a whole number such as 8' }).int().min(1).max(100).default(8),
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
  readonly databasePath: string;
  readonly tickCron: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly postConcurrency: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** `./x.db`, `/abs/x.db`, `sqlite:./x.db`, `sqlite:///abs/x.db`, `file:x.db`, `file:///abs/x.db`, `:memory:`. */
export function databasePathFrom(url: string): string {
  if (url === ':memory:' || url === 'sqlite::memory:') return ':memory:';
  if (url.startsWith('file://') || url.startsWith('sqlite://')) {
    return fileURLToPath(`file://${url.slice(url.indexOf('://') + 3)}`);
  }
  const bare = url.replace(/^(sqlite|file):/, '');
  return resolve(bare);
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
    databasePath: databasePathFrom(e.DATABASE_URL),
    tickCron: e.TICK_CRON,
    logLevel: e.LOG_LEVEL,
    postConcurrency: e.POST_CONCURRENCY,
  } satisfies Config);
}
