/**
 * Tokens at rest: AES-256-GCM with a key from the environment (SLACK_TOKEN_KEY). A sealed value names its
 * format version and the key that sealed it:
 *
 *   v1.<keyId>.<iv>.<tag>.<ciphertext>        (iv, tag and ciphertext in base64url)
 *
 * keyId is the first 8 hex characters of the key's SHA-256, so after a key change the rows sealed with the old
 * key still open as long as it is listed in SLACK_TOKEN_KEY_PREVIOUS; new values are always sealed with the
 * current key. An optional context (the row and column a value belongs to) is authenticated with it, so a
 * sealed value copied into another row or column does not open there. Errors never carry a plaintext or a key.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const MAKE_TOKEN_KEY = `node -e "console.log(require('crypto').randomBytes(32).toString('base64'))"`;

/** A parsed key. Its bytes are not enumerable: a key logged or serialised by mistake shows only its id. */
export interface TokenKey {
  /** First 8 hex characters of SHA-256 of the key: names the key in sealed values, reveals nothing useful. */
  readonly id: string;
  readonly bytes: Buffer;
}

export class TokenKeyError extends Error {
  override readonly name = 'TokenKeyError';
}

export class TokenCipherError extends Error {
  override readonly name = 'TokenCipherError';
}

const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=$/;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;

function keyOf(bytes: Buffer): TokenKey {
  const id = createHash('sha256').update(bytes).digest('hex').slice(0, 8);
  const key = { id, bytes };
  Object.defineProperty(key, 'bytes', { enumerable: false });
  Object.defineProperty(key, 'toJSON', { enumerable: false, value: () => ({ id }) });
  return Object.freeze(key);
}

/**
 * Reads a key written as base64 (44 characters) or hex (64 characters) of 32 random bytes. `name` is the
 * variable it came from, for the message. The message never repeats the value.
 */
export function parseTokenKey(text: string, name = 'SLACK_TOKEN_KEY'): TokenKey {
  const value = text.trim();
  const howTo = `${name} must be 32 random bytes written as base64 (44 characters) or hex (64 characters). Make one with: ${MAKE_TOKEN_KEY}`;
  let bytes: Buffer;
  if (HEX_KEY.test(value)) bytes = Buffer.from(value, 'hex');
  else if (BASE64_KEY.test(value)) bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  else throw new TokenKeyError(value === '' ? `${name} is empty. ${howTo}` : `${name} is not a valid key (${value.length} characters). ${howTo}`);
  if (bytes.length !== KEY_BYTES) throw new TokenKeyError(`${name} is not a valid key. ${howTo}`);
  if (bytes.every((b) => b === bytes[0])) throw new TokenKeyError(`${name} is the same byte repeated, not a random key. ${howTo}`);
  return keyOf(bytes);
}

/** SLACK_TOKEN_KEY_PREVIOUS: comma-separated keys that may still open older rows; empty or unset is none. */
export function parseTokenKeys(text: string | undefined, name = 'SLACK_TOKEN_KEY_PREVIOUS'): TokenKey[] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part, i) => parseTokenKey(part, `${name} (key ${i + 1})`));
}

export interface TokenCipher {
  /** The id of the key new values are sealed with. */
  readonly keyId: string;
  /** Seals a secret. Two seals of the same text differ (random IV). `context` must be given again to open it. */
  seal(plaintext: string, context?: string): string;
  /** Opens a sealed value; throws TokenCipherError when it was altered, sealed with an unknown key or for another context. */
  open(sealed: string, context?: string): string;
  /** Whether the value was sealed with the current key (false: re-seal it when convenient). */
  isCurrent(sealed: string): boolean;
}

const b64url = (buf: Buffer) => buf.toString('base64url');
const additionalData = (keyId: string, context: string | undefined) => Buffer.from(`${VERSION}.${keyId}${context === undefined ? '' : `.${context}`}`, 'utf8');

export function createTokenCipher(current: TokenKey, previous: readonly TokenKey[] = []): TokenCipher {
  const keys = new Map<string, Buffer>();
  for (const key of [current, ...previous]) if (!keys.has(key.id)) keys.set(key.id, key.bytes);
  const currentBytes = current.bytes;

  return {
    keyId: current.id,

    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', currentBytes, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(current.id, context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, current.id, b64url(iv), b64url(cipher.getAuthTag()), b64url(body)].join('.');
    },

    open(sealed, context) {
      const parts = typeof sealed === 'string' ? sealed.split('.') : [];
      if (parts.length !== 5 || parts[0] !== VERSION) {
        throw new TokenCipherError(`Not a sealed token (expected the ${VERSION}.<keyId>.<iv>.<tag>.<ciphertext> format).`);
      }
      const [, keyId = '', ivText = '', tagText = '', bodyText = ''] = parts;
      const key = keys.get(keyId);
      if (!key) {
        throw new TokenCipherError(
          `A token was sealed with key ${/^[0-9a-f]{8}$/.test(keyId) ? keyId : '(malformed id)'}, which is neither SLACK_TOKEN_KEY (${current.id}) nor listed in SLACK_TOKEN_KEY_PREVIOUS.`,
        );
      }
      const iv = Buffer.from(ivText, 'base64url');
      const tag = Buffer.from(tagText, 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new TokenCipherError('A sealed token is malformed (bad IV or tag length).');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(additionalData(keyId, context));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        // Node's message ("Unsupported state or unable to authenticate data") says nothing secret, but ours says more.
        throw new TokenCipherError(`A sealed token did not authenticate with key ${keyId}: it was altered, belongs to another row, or was sealed with a different key of the same id.`);
      }
    },

    isCurrent(sealed) {
      return typeof sealed === 'string' && sealed.startsWith(`${VERSION}.${current.id}.`);
    },
  };
}
