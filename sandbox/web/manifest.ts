/** The few app-manifest settings the sandbox mirrors (slash commands, message shortcuts, events, App Home tabs), read from manifest.yml. */
import { readFileSync } from 'node:fs';
import { CALLBACK_IDS, COMMAND } from '../../src/slack/ids.ts';

/** A shortcut people find under "More actions" on a message. */
export interface MessageShortcutSetting {
  name: string;
  callbackId: string;
  description: string;
}

export interface ManifestSettings {
  commands: Array<{ command: string; shouldEscape: boolean; description: string; usageHint: string }>;
  /** Only these are offered on messages, so a callback_id the manifest does not declare never reaches the app. */
  messageShortcuts: MessageShortcutSetting[];
  /** Events the app subscribes to: Slack sends no others. */
  botEvents: string[];
  homeTabEnabled: boolean;
  messagesTabEnabled: boolean;
  /** People cannot write to the app in its Messages tab. */
  messagesTabReadOnly: boolean;
}

/** Used when there is no manifest: the command and message shortcut the code registers, and App Home fully on. */
export const DEFAULT_MANIFEST: ManifestSettings = {
  commands: [{ command: COMMAND, shouldEscape: true, description: '', usageHint: '' }],
  messageShortcuts: [{ name: 'Save as note', callbackId: CALLBACK_IDS.saveAsNote, description: '' }],
  botEvents: ['app_home_opened'],
  homeTabEnabled: true,
  messagesTabEnabled: true,
  messagesTabReadOnly: false,
};

interface Line {
  indent: number;
  text: string;
}

function scalar(raw: string): unknown {
  const value = raw.trim();
  if (/^".*"$/.test(value) || /^'.*'$/.test(value)) return value.slice(1, -1);
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value === 'null' || value === '~' || value === '') return null;
  return value;
}

function stripComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) return text.slice(0, i).trimEnd();
  }
  return text.trimEnd();
}

/**
 * Parses the block-style YAML subset Slack manifests use: nested maps, lists of scalars or maps, folded or literal
 * block scalars, quoted strings, booleans. Flow collections ({…}, […]) and anchors are not supported.
 */
export function parseYamlSubset(source: string): unknown {
  const lines: Line[] = [];
  for (const raw of source.replace(/\r\n?/g, '\n').split('\n')) {
    const text = stripComment(raw);
    if (text.trim() === '' || text.trim() === '---') {
      // Blank lines matter only inside block scalars; keep them as zero-width markers.
      lines.push({ indent: -1, text: '' });
      continue;
    }
    lines.push({ indent: text.length - text.trimStart().length, text: text.trim() });
  }
  let i = 0;

  const skipBlank = () => {
    while (i < lines.length && lines[i]?.indent === -1) i++;
  };

  function blockScalar(parentIndent: number, style: string): string {
    const out: string[] = [];
    while (i < lines.length) {
      const line = lines[i];
      if (!line || (line.indent !== -1 && line.indent <= parentIndent)) break;
      out.push(line.text);
      i++;
    }
    const joined = style.startsWith('|') ? out.join('\n') : out.filter((l) => l !== '').join(' ');
    return joined.trim();
  }

  function value(parentIndent: number, rest: string): unknown {
    if (/^[>|][+-]?$/.test(rest)) return blockScalar(parentIndent, rest);
    if (rest !== '') return scalar(rest);
    skipBlank();
    const next = lines[i];
    // YAML lets a list sit at the same indent as its key.
    if (next && (next.indent > parentIndent || (next.indent === parentIndent && next.text.startsWith('-')))) return block(next.indent);
    return null;
  }

  function block(indent: number): unknown {
    skipBlank();
    const first = lines[i];
    if (!first) return null;
    if (first.text === '-' || first.text.startsWith('- ')) {
      const list: unknown[] = [];
      for (skipBlank(); i < lines.length; skipBlank()) {
        const line = lines[i];
        if (!line || line.indent !== indent || !(line.text === '-' || line.text.startsWith('- '))) break;
        const rest = line.text.slice(1).trim();
        if (/^[^\s:]+:(\s|$)/.test(rest)) {
          // "- key: value" opens a map whose keys line up with `key`.
          lines[i] = { indent: indent + (line.text.length - rest.length), text: rest };
          list.push(block(lines[i]?.indent ?? indent));
        } else {
          i++;
          list.push(value(indent, rest));
        }
      }
      return list;
    }
    const map: Record<string, unknown> = {};
    for (skipBlank(); i < lines.length; skipBlank()) {
      const line = lines[i];
      if (!line || line.indent < indent) break;
      if (line.indent > indent) {
        i++;
        continue;
      }
      const match = /^("[^"]*"|'[^']*'|[^\s:][^:]*):(?:\s+(.*))?$/.exec(line.text);
      i++;
      if (!match?.[1]) continue;
      const key = String(scalar(match[1]));
      map[key] = value(indent, (match[2] ?? '').trim());
    }
    return map;
  }

  return block(0);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function at(root: unknown, ...path: string[]): unknown {
  let node = root;
  for (const key of path) node = isObject(node) ? node[key] : undefined;
  return node;
}

function list(root: unknown, ...path: string[]): unknown[] {
  const node = at(root, ...path);
  return Array.isArray(node) ? node : [];
}

export function manifestSettings(yaml: string): ManifestSettings {
  const root = parseYamlSubset(yaml);
  const commands = list(root, 'features', 'slash_commands')
    .filter(isObject)
    .filter((c) => typeof c.command === 'string')
    .map((c) => ({
      command: String(c.command).toLowerCase(),
      shouldEscape: c.should_escape === true,
      description: typeof c.description === 'string' ? c.description : '',
      usageHint: typeof c.usage_hint === 'string' ? c.usage_hint : '',
    }));
  // Global shortcuts (type: global) live in the composer's shortcut menu, which the page does not have.
  const messageShortcuts = list(root, 'features', 'shortcuts')
    .filter(isObject)
    .filter((s) => s.type === 'message' && typeof s.callback_id === 'string' && s.callback_id !== '' && typeof s.name === 'string')
    .map((s) => ({ name: String(s.name), callbackId: String(s.callback_id), description: typeof s.description === 'string' ? s.description : '' }));
  const events = at(root, 'settings', 'event_subscriptions', 'bot_events');
  const home = at(root, 'features', 'app_home');
  return {
    commands,
    messageShortcuts,
    botEvents: Array.isArray(events) ? events.filter((e): e is string => typeof e === 'string') : [],
    homeTabEnabled: isObject(home) && home.home_tab_enabled === true,
    messagesTabEnabled: !isObject(home) || home.messages_tab_enabled !== false,
    messagesTabReadOnly: isObject(home) && home.messages_tab_read_only_enabled === true,
  };
}

/** The manifest's settings, or undefined when the file does not exist. */
export function readManifest(path: string): ManifestSettings | undefined {
  let yaml: string;
  try {
    yaml = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return manifestSettings(yaml);
}
