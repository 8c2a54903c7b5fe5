/**
 * `.env`: read at start-up from the working directory when it exists, with Node's own `process.loadEnvFile`.
 * A variable already set in the environment wins over the file (Node does not override one that is set), unless
 * it is set to nothing.
 * Node's parser skips what it cannot read without a word (and a line without `=` swallows the next one), so
 * the file is checked first: a malformed one stops the app with its path and line number, never a value.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './config.ts';

export class EnvFileError extends ConfigError {}

const ASSIGNMENT = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;
const QUOTES = new Set(['"', "'", '`']);

/**
 * What is wrong with the text of a `.env` file, or undefined when every line is `NAME=value`, a `# comment` or
 * blank. A quoted value may span lines up to its closing quote. Messages name lines, never their contents
 * (which may be secrets).
 */
export function envFileProblem(text: string): string | undefined {
  // Node would take the mark for part of the first name (and trim() would hide it below).
  if (text.startsWith('\uFEFF')) return 'it starts with a byte order mark: save it as UTF-8 without one.';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = ASSIGNMENT.exec(line);
    if (!match) return `line ${i + 1} is not NAME=value. Each line is NAME=value, a # comment or blank; NAME is letters, digits and _.`;
    const [, name, value = ''] = match;
    const quote = value.charAt(0);
    if (!QUOTES.has(quote) || value.indexOf(quote, 1) !== -1) continue;
    // A quoted value that goes on past this line: it ends on the first later line holding the same quote.
    let end = i + 1;
    while (end < lines.length && !(lines[end] ?? '').includes(quote)) end++;
    if (end >= lines.length) return `line ${i + 1}: the value of ${name} opens with ${quote} that is never closed.`;
    i = end;
  }
  return undefined;
}

/**
 * Loads `path` (default `.env` in the working directory) into process.env when the file exists; variables
 * already set are left as they are, empty ones excepted. Returns the file's absolute path when one was read.
 * @throws EnvFileError when the file exists but cannot be read or is malformed.
 */
export function loadEnvFileIfPresent(path = '.env'): string | undefined {
  const file = resolve(path);
  let text: string;
  try {
    if (!statSync(file, { throwIfNoEntry: false })) return undefined;
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'EISDIR' ? 'it is a folder, not a file' : error instanceof Error ? error.message : String(error);
    throw new EnvFileError(`Cannot read ${file}: ${reason}.`);
  }
  const problem = envFileProblem(text);
  if (problem) throw new EnvFileError(`${file} is malformed: ${problem}`);
  // An empty variable counts as unset (config.ts), so it must not hide the file's value as Node's loader lets it
  // (it skips every variable that exists): `SLACK_BOT_TOKEN=` passed on by a compose file would hide the token.
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (process.env[name] === '') process.env[name] = value;
  }
  process.loadEnvFile(file);
  return file;
}
