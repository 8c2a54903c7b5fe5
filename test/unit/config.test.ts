/** Configuration: every variable validated at start-up with a message that says what it should look like. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, databasePathFrom, loadConfig } from '../../src/config.ts';

const base = { SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdefgh', SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef' };

describe('loadConfig', () => {
  it('uses HTTP mode with defaults when the bot token and signing secret are set', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      mode: 'http',
      port: 3000,
      slackApiUrl: 'https://slack.com/api/',
      tickCron: '* * * * * *',
      logLevel: 'info',
      postConcurrency: 600,
    });
    expect(config.database).toMatchObject({ kind: 'sqlite', path: expect.stringMatching(/data\/mockdesign\.db$/) });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('uses Socket Mode when an app token is set, without a signing secret', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: base.SLACK_BOT_TOKEN, SLACK_APP_TOKEN: 'xapp-1-A111-222-abcdef' });
    expect(config.mode).toBe('socket');
  });

  it('adds the trailing slash the Web API client expects', () => {
    expect(loadConfig({ ...base, SLACK_API_URL: 'http://127.0.0.1:9/api' }).slackApiUrl).toBe('http://127.0.0.1:9/api/');
  });

  it.each([
    [{}, 'SLACK_BOT_TOKEN'],
    [{ ...base, SLACK_BOT_TOKEN: 'xoxp-user-token-123' }, 'SLACK_BOT_TOKEN must look like xoxb-'],
    [{ SLACK_BOT_TOKEN: base.SLACK_BOT_TOKEN }, 'SLACK_SIGNING_SECRET is required for HTTP mode'],
    [{ ...base, SLACK_SIGNING_SECRET: 'not hex!' }, 'SLACK_SIGNING_SECRET must be the hex Signing Secret'],
    [{ ...base, SLACK_APP_TOKEN: 'xoxb-wrong-kind-1234' }, 'SLACK_APP_TOKEN must look like xapp-'],
    [{ ...base, PORT: 'eighty' }, 'PORT must be a port number'],
    [{ ...base, PORT: '70000' }, 'PORT'],
    [{ ...base, PORT: '' }, 'PORT must be a port number'],
    [{ ...base, PORT: '0x50' }, 'PORT must be a port number'],
    [{ ...base, DATABASE_URL: '' }, 'DATABASE_URL is not a database this app can use. Accepted: a SQLite file'],
    [{ ...base, SLACK_API_URL: 'slack dot com' }, 'SLACK_API_URL must be a URL'],
    [{ ...base, TICK_CRON: 'every second' }, 'TICK_CRON must be a cron expression'],
    [{ ...base, LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ ...base, POST_CONCURRENCY: '0' }, 'POST_CONCURRENCY'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    ['a quoted path', 'DATABASE_URL', '"./data/mine.db"', /DATABASE_URL is wrapped in quotes/],
    ['a single-quoted signing secret', 'SLACK_SIGNING_SECRET', "'0123456789abcdef0123456789abcdef'", /SLACK_SIGNING_SECRET is wrapped in quotes/],
    ['a bot token with a trailing space', 'SLACK_BOT_TOKEN', 'xoxb-1111-2222-abcdefgh ', /SLACK_BOT_TOKEN has spaces or a line break/],
    ['a public URL with a trailing line break', 'PUBLIC_URL', 'https://mockdesign.example.com\n', /PUBLIC_URL has spaces or a line break/],
    ['a log level with a leading space', 'LOG_LEVEL', ' info', /LOG_LEVEL has spaces or a line break/],
  ])('refuses %s, naming the variable without its value', (_, name, value, message) => {
    try {
      loadConfig({ ...base, [name]: value });
      expect.unreachable('the configuration was accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(String(error)).toMatch(message);
      expect(String(error).match(new RegExp(name, 'g'))).toHaveLength(1);
      expect(String(error)).not.toContain(value.trim().replace(/^["']|["']$/g, ''));
    }
  });

  it.each([
    ['a # in the password', 'postgres://app:s3cr#et@127.0.0.1:5432/mockdesign'],
    ['a port that is not a number', 'postgresql://app:s3cret@db.internal:fivefour/mockdesign'],
  ])('refuses a PostgreSQL URL that does not parse (%s), saying how to write it, without the password', (_, url) => {
    try {
      loadConfig({ ...base, DATABASE_URL: url });
      expect.unreachable('the configuration was accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(String(error)).toMatch(/DATABASE_URL is not a valid PostgreSQL URL/);
      expect(String(error)).toContain('postgres://user:password@host:5432/db');
      expect(String(error)).not.toContain('s3cr');
    }
  });

  // 2000 and 0 were refused as "must be a whole number such as 600": true of neither, and silent on the range.
  it.each([['2000'], ['0'], ['1001']])('refuses POST_CONCURRENCY=%s as out of range, giving the range', (value) => {
    const message = String(expectConfigError({ ...base, POST_CONCURRENCY: value }).message);
    expect(message).toContain('POST_CONCURRENCY is out of range: set it from 1 to 1000');
    expect(message).not.toContain('whole number');
  });

  it.each([['1.5'], ['many']])('refuses POST_CONCURRENCY=%s as not a whole number, giving the range', (value) => {
    expect(String(expectConfigError({ ...base, POST_CONCURRENCY: value }).message)).toContain('POST_CONCURRENCY must be a whole number from 1 to 1000, such as 600');
  });

  it.each([[1], [1000]])('accepts POST_CONCURRENCY=%i, an end of the range', (value) => {
    expect(loadConfig({ ...base, POST_CONCURRENCY: String(value) }).postConcurrency).toBe(value);
  });

  // Any URL passed: Slack would be sent an ftp:// redirect URL, and people an ftp:// install link.
  it.each([['ftp://x.example.com'], ['http://mockdesign.example.com'], ['ws://mockdesign.example.com'], ['mailto:ops@example.com'], ['not a url']])(
    'refuses PUBLIC_URL=%s, asking for the https:// address, once',
    (value) => {
      const message = String(expectConfigError({ ...base, PUBLIC_URL: value }).message);
      expect(message.match(/PUBLIC_URL must be the https:\/\/ address Slack reaches this app at/g)).toHaveLength(1);
    },
  );

  // The sandbox and the process tests serve the install pages over plain HTTP on this machine.
  it.each([['https://mockdesign.example.com/', 'https://mockdesign.example.com'], ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'], ['http://localhost:3000/', 'http://localhost:3000'], ['http://[::1]:3000', 'http://[::1]:3000']])(
    'accepts PUBLIC_URL=%s',
    (value, expected) => {
      expect(loadConfig({ ...base, PUBLIC_URL: value }).publicUrl).toBe(expected);
    },
  );

  it('never echoes a secret in its message', () => {
    try {
      loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdefgh', SLACK_SIGNING_SECRET: 'zz-super-secret-zz' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('zz-super-secret-zz');
    }
  });
});

describe('one workspace or many', () => {
  const key = randomBytes(32).toString('base64');
  const oauth = {
    SLACK_SIGNING_SECRET: base.SLACK_SIGNING_SECRET,
    SLACK_CLIENT_ID: '1234567890.9876543210',
    SLACK_CLIENT_SECRET: 'abcdef0123456789abcdef0123456789',
    SLACK_STATE_SECRET: 'a-long-random-state-secret',
    SLACK_TOKEN_KEY: key,
  };
  const problem = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return String((error as Error).message);
    }
    return expect.unreachable('the configuration was accepted') as never;
  };

  it('a bot token alone is one workspace', () => {
    expect(loadConfig(base).auth).toEqual({ kind: 'single', botToken: base.SLACK_BOT_TOKEN });
  });

  it('client id, client secret, state secret and token key without a bot token install in many', () => {
    const config = loadConfig({ ...oauth, PUBLIC_URL: 'https://mockdesign.example.com/' });
    expect(config.auth).toMatchObject({ kind: 'oauth', clientId: oauth.SLACK_CLIENT_ID, clientSecret: oauth.SLACK_CLIENT_SECRET, stateSecret: oauth.SLACK_STATE_SECRET });
    expect(config.auth.kind === 'oauth' && config.auth.tokenKey.id).toMatch(/^[0-9a-f]{8}$/);
    expect(config.publicUrl).toBe('https://mockdesign.example.com');
  });

  it('names every missing OAuth variable', () => {
    const message = problem({ SLACK_SIGNING_SECRET: base.SLACK_SIGNING_SECRET, SLACK_CLIENT_ID: oauth.SLACK_CLIENT_ID });
    expect(message).toContain('SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, SLACK_TOKEN_KEY are missing');
  });

  it('refuses a bot token mixed with OAuth variables, naming them', () => {
    const message = problem({ ...oauth, SLACK_BOT_TOKEN: base.SLACK_BOT_TOKEN });
    expect(message).toMatch(/SLACK_BOT_TOKEN is set together with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, SLACK_TOKEN_KEY/);
  });

  it('refuses a token key that is not 32 bytes, and says how to make one, without echoing it', () => {
    const message = problem({ ...oauth, SLACK_TOKEN_KEY: 'short-and-secret-value' });
    expect(message).toMatch(/SLACK_TOKEN_KEY must be 32 random bytes/);
    expect(message).toContain('randomBytes(32)');
    expect(message).not.toContain('short-and-secret-value');
  });

  it('refuses a client id that is not one', () => {
    expect(problem({ ...oauth, SLACK_CLIENT_ID: 'my-app' })).toMatch(/SLACK_CLIENT_ID must be the Client ID/);
  });
});

describe('an empty variable (NAME= left in a copied .env, or passed through empty) is the same as an unset one', () => {
  const oauth = {
    SLACK_SIGNING_SECRET: base.SLACK_SIGNING_SECRET,
    SLACK_CLIENT_ID: '1234567890.9876543210',
    SLACK_CLIENT_SECRET: 'abcdef0123456789abcdef0123456789',
    SLACK_STATE_SECRET: 'a-long-random-state-secret',
    SLACK_TOKEN_KEY: randomBytes(32).toString('hex'),
  };

  it('an empty SLACK_BOT_TOKEN with the OAuth variables installs in many workspaces', () => {
    expect(loadConfig({ ...oauth, SLACK_BOT_TOKEN: '' }).auth).toMatchObject({ kind: 'oauth', clientId: oauth.SLACK_CLIENT_ID });
  });

  it('an empty SLACK_BOT_TOKEN alone asks for a bot token or the OAuth variables, not for a well-formed token', () => {
    const message = String(expectConfigError({ SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: base.SLACK_SIGNING_SECRET }).message);
    expect(message).toContain('SLACK_BOT_TOKEN is required for one workspace (or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, SLACK_TOKEN_KEY');
    expect(message).not.toContain('must look like');
  });

  it.each(['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'SLACK_TOKEN_KEY'])('an empty %s beside a bot token is one workspace', (name) => {
    expect(loadConfig({ ...base, [name]: '' })).toEqual(loadConfig(base));
  });

  it('an empty OAuth variable among the others is named as missing', () => {
    expect(String(expectConfigError({ ...oauth, SLACK_TOKEN_KEY: '' }).message)).toContain('SLACK_TOKEN_KEY is missing: installing in many workspaces needs');
  });

  it.each(['SLACK_TOKEN_KEY_PREVIOUS', 'PUBLIC_URL', 'SLACK_APP_TOKEN', 'SLACK_API_URL', 'TICK_CRON', 'LOG_LEVEL', 'POST_CONCURRENCY'])('an empty %s takes the default', (name) => {
    expect(loadConfig({ ...base, [name]: '' })).toEqual(loadConfig(base));
  });

  it('an empty SLACK_SIGNING_SECRET is left out: fine in Socket Mode, asked for in HTTP mode', () => {
    const socket = { SLACK_BOT_TOKEN: base.SLACK_BOT_TOKEN, SLACK_APP_TOKEN: 'xapp-1-A111-222-abcdef' };
    expect(loadConfig({ ...socket, SLACK_SIGNING_SECRET: '' })).toEqual(loadConfig(socket));
    const message = String(expectConfigError({ ...base, SLACK_SIGNING_SECRET: '' }).message);
    expect(message).toContain('SLACK_SIGNING_SECRET is required for HTTP mode');
    expect(message).not.toContain('must be the hex');
  });

  it.each([
    ['PORT', 'PORT must be a port number'],
    ['DATABASE_URL', 'DATABASE_URL is not a database this app can use'],
  ])('except an empty %s, which is refused rather than replaced by the default', (name, message) => {
    expect(String(expectConfigError({ ...base, [name]: '' }).message)).toContain(message);
  });
});

function expectConfigError(env: Record<string, string>): Error {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as Error;
  }
  return expect.unreachable('the configuration was accepted') as never;
}

describe('a PostgreSQL DATABASE_URL', () => {
  it.each([['postgres://app:s3cret@db.internal:5432/mockdesign'], ['postgresql://127.0.0.1/test'], ['postgres://app@/mockdesign?host=/run/postgresql'], ['postgres:///mockdesign?host=/tmp']])(
    'accepts %s',
    (url) => {
      expect(loadConfig({ ...base, DATABASE_URL: url }).database).toEqual({ kind: 'postgres', url });
    },
  );
});

describe('databasePathFrom', () => {
  it.each([
    ['./data/x.db', /\/data\/x\.db$/],
    ['/var/lib/mockdesign/x.db', /^\/var\/lib\/mockdesign\/x\.db$/],
    ['sqlite:./x.db', /\/x\.db$/],
    ['sqlite:///var/x.db', /^\/var\/x\.db$/],
    ['file:///var/x.db', /^\/var\/x\.db$/],
    ['file:x.db', /\/x\.db$/],
    [':memory:', /^:memory:$/],
  ])('%s', (url, expected) => {
    expect(databasePathFrom(url)).toMatch(expected);
  });

  // Printed as `pg_dump --format=custom "$DATABASE_URL"`, run as shown it wrote the binary dump to the terminal.
  it('sends a PostgreSQL URL to pg_dump with a file to write, as the README does, without the password', () => {
    expect(() => databasePathFrom('postgres://app:s3cret-pw@db.internal:5432/mockdesign')).toThrow(
      'On PostgreSQL use pg_dump --format=custom --file=mockdesign-$(date +%F).dump "$DATABASE_URL".',
    );
    expect(() => databasePathFrom('postgres://app:s3cret-pw@db.internal:5432/mockdesign')).not.toThrow(/s3cret-pw/);
  });
});
