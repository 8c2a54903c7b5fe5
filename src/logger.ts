/** Structured logs: one JSON line per event. Tokens and secrets are scrubbed from every line. */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { LogFields, Logger } from './app/ports.ts';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type Level = keyof typeof LEVELS;

const SECRET_KEY = /token|secret|authorization|password|signature/i;
// Bot, user, app and refresh tokens (xoxe-1-…, xoxe.xoxb-1-… for rotating ones).
const SECRET_VALUE = /\b(xox[abposre]-|xoxe\.xox[bp]-|xapp-)[A-Za-z0-9.-]+/g;

// Parameters whose values are secrets wherever they appear: the OAuth code, the client secret, refresh and other
// tokens, any other secret. Matched as whole names, so error_code or token_type keep their values.
const SECRET_PARAM = String.raw`(?:code|[a-z_]*(?:secret|token)|password)`;
// In JSON, also when quoted inside another JSON string (\"code\":\"…\"): the value up to its closing quote.
const SECRET_JSON = new RegExp(String.raw`(\\*"${SECRET_PARAM}\\*"\s*:\s*\\*")[^"\\]*`, 'gi');
// Form-encoded bodies and query strings: code=…&client_secret=…
const SECRET_FORM = new RegExp(String.raw`((?<=^|[?&\s;,])${SECRET_PARAM}=)[^&\s"'\\#]*`, 'gi');

export function scrub(text: string): string {
  return text.replace(SECRET_VALUE, '$1[redacted]').replace(SECRET_JSON, '$1[redacted]').replace(SECRET_FORM, '$1[redacted]');
}

function describeError(error: unknown): Record<string, string> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { error: scrub(error.message), ...(typeof code === 'string' ? { error_code: code } : {}), stack: scrub(error.stack ?? '') };
  }
  return { error: scrub(String(error)) };
}

/** Lines held at most until the end of the event loop's turn, or until this many characters are waiting. */
const BATCH_CHARS = 64 * 1024;

/**
 * Writes lines in batches: those logged in one turn of the event loop go out as one write after it. Standard
 * output to a pipe or a file is written synchronously, a system call a line; a burst of posts logs thousands of
 * lines a second. Order is kept, and what is waiting is written before the process exits (`flush` on 'exit',
 * which also runs after an uncaught exception). A process killed outright loses at most one turn's lines.
 */
export function batchedLines(out: (chunk: string) => void, later: (flush: () => void) => void = setImmediate): { write: (line: string) => void; flush: () => void } {
  let waiting: string[] = [];
  let chars = 0;
  const flush = () => {
    if (waiting.length === 0) return;
    const chunk = `${waiting.join('\n')}\n`;
    waiting = [];
    chars = 0;
    out(chunk);
  };
  return {
    write(line) {
      if (waiting.length === 0) later(flush);
      waiting.push(line);
      chars += line.length;
      if (chars >= BATCH_CHARS) flush();
    },
    flush,
  };
}

let stdoutLines: ((line: string) => void) | undefined;
/** The process's standard output, in batches, flushed at exit: one for every logger of the process. */
function toStdout(line: string): void {
  if (!stdoutLines) {
    const batched = batchedLines((chunk) => process.stdout.write(chunk));
    process.on('exit', batched.flush);
    stdoutLines = batched.write;
  }
  stdoutLines(line);
}

export function createLogger(level: Level, write: (line: string) => void = toStdout): Logger & {
  level: Level;
} {
  const state = { level };
  const emit = (at: Level, msg: string, fields?: LogFields, error?: unknown) => {
    if (LEVELS[at] < LEVELS[state.level]) return;
    const record: Record<string, unknown> = { time: new Date().toISOString(), level: at, msg: scrub(msg) };
    for (const [key, value] of Object.entries(fields ?? {})) {
      if (value === undefined) continue;
      record[key] = SECRET_KEY.test(key) ? '[redacted]' : typeof value === 'string' ? scrub(value) : value;
    }
    if (error !== undefined) Object.assign(record, describeError(error));
    write(JSON.stringify(record));
  };
  return {
    get level() {
      return state.level;
    },
    set level(next: Level) {
      state.level = next;
    },
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields, error) => emit('error', msg, fields, error),
  };
}

/**
 * At debug level Bolt and Slack's clients write whole payloads: each Web API request's body and answer, each ack,
 * each Socket Mode envelope. Those carry people's words (notes, topics, summaries) and upload URLs, none of which
 * a log may hold; the line is kept up to where its payload (a JSON object or array) begins.
 */
export function withoutPayload(line: string): string {
  const at = line.search(/[{[]/);
  return at < 0 ? line : `${line.slice(0, at)}[payload not logged]`;
}

/** Bolt and the WebClient log through ours, so their lines are structured and scrubbed too. */
export function boltLogger(logger: Logger & { level: Level }): BoltLogger {
  const join = (parts: unknown[]) => parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ');
  let name = 'bolt';
  // Bolt and the WebClient log whole payloads at debug level on every request: turning them into text only
  // when the line will be written keeps that cost off every command and every post.
  const enabled = (at: Level) => LEVELS[at] >= LEVELS[logger.level];
  return {
    debug: (...m) => enabled('debug') && logger.debug(withoutPayload(join(m)), { source: name }),
    info: (...m) => enabled('info') && logger.info(join(m), { source: name }),
    warn: (...m) => enabled('warn') && logger.warn(join(m), { source: name }),
    error: (...m) => logger.error(join(m), { source: name }),
    // LOG_LEVEL decides, once, for the whole process. Bolt sets its logger's level when the app is built (to info,
    // unless told otherwise), and so do the Web API and Socket Mode clients it makes: obeyed, that reset our one
    // shared logger, and LOG_LEVEL=debug or =warn had no effect.
    setLevel: () => undefined,
    getLevel: () => (logger.level === 'debug' ? LogLevel.DEBUG : logger.level === 'warn' ? LogLevel.WARN : logger.level === 'error' ? LogLevel.ERROR : LogLevel.INFO),
    setName: (n) => {
      name = n;
    },
  };
}
