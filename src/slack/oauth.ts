/**
 * Installing in many workspaces: the "Add to Slack" page, Slack's OAuth v2 redirect, and the pages a person sees
 * at the end of it. The exchange itself (oauth.v2.access, then auth.test) is @slack/oauth's InstallProvider,
 * pointed at SLACK_API_URL; the installation goes into our own store (installation-store.ts).
 *
 * State: a signed, timestamped value carried in the authorize URL and in a cookie of the browser that started
 * the install. Any instance holding the same SLACK_STATE_SECRET can finish an install another one started; a
 * forged, tampered, expired or other browser's state is refused with a page that says what to do.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger as BoltLogger, Installation, InstallationStore, InstallURLOptions, StateStore } from '@slack/bolt';
import { InstallProvider } from '@slack/oauth';
import type { Logger } from '../app/ports.ts';
import { boltLogger, type Level } from '../logger.ts';
import { redactTokens } from './installation-store.ts';

/** The bot scopes requested at install: the same list as manifest.yml's oauth_config.scopes.bot (a test holds them together). */
export const BOT_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'channels:join', 'channels:history', 'groups:history', 'channels:read', 'groups:read', 'users:read', 'files:write'] as const;

export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';
/** An install must be finished within this long of opening the install page. */
export const STATE_TTL_MS = 10 * 60_000;

export class InvalidStateError extends Error {
  override readonly name = 'InvalidStateError';
  readonly code = 'slack_oauth_invalid_state';
}

/**
 * Stateless, signed state: `<payload>.<hmac>`, payload = base64url JSON of when it was made, a nonce and the
 * install options. Our clock, not Date, so that expiry can be tested with a fixed one.
 */
export function createStateStore(secret: string, clock: () => number, ttlMs = STATE_TTL_MS): StateStore {
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');
  return {
    async generateStateParam(installOptions: InstallURLOptions) {
      const payload = Buffer.from(JSON.stringify({ at: clock(), nonce: randomBytes(12).toString('base64url'), installOptions })).toString('base64url');
      return `${payload}.${sign(payload)}`;
    },
    async verifyStateParam(_now: Date, state: string) {
      const [payload, mac] = state.split('.');
      if (!payload || !mac) throw new InvalidStateError('The state is not one this app made.');
      const expected = Buffer.from(sign(payload));
      const given = Buffer.from(mac);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new InvalidStateError('The state is not one this app made.');
      let decoded: { at?: unknown; installOptions?: InstallURLOptions };
      try {
        decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof decoded;
      } catch {
        throw new InvalidStateError('The state is not one this app made.');
      }
      if (typeof decoded.at !== 'number' || clock() - decoded.at > ttlMs || decoded.at - clock() > 60_000) {
        throw new InvalidStateError('The install link has expired.');
      }
      return decoded.installOptions ?? { scopes: [...BOT_SCOPES] };
    },
  };
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · mockdesign</title>
<style>
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:#f8f8fa;color:#1d1c1d;margin:0}
main{max-width:34rem;margin:12vh auto;padding:2rem 2.5rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:1.5rem;margin:0 0 1rem}p{line-height:1.5}a.button{display:inline-block;margin-top:.5rem;padding:.6rem 1.1rem;border-radius:6px;background:#1d3b53;color:#fff;text-decoration:none;font-weight:600}
.muted{color:#616061;font-size:.9rem}
</style></head><body><main>${body}</main></body></html>`;
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' });
  res.end(html);
}

export function renderInstallPage(authorizeUrl: string): string {
  return page(
    'Add mockdesign to Slack',
    `<h1>Add mockdesign to Slack</h1>
<p>Run mock system-design interviews in your channels: four timed phases with a checklist each, notes from everyone, and a summary in the thread.</p>
<p><a class="button" id="add-to-slack" href="${escapeHtml(authorizeUrl)}">Add to Slack</a></p>
<p class="muted">You will be asked to allow the app in your workspace. This link works for ${STATE_TTL_MS / 60_000} minutes, in this browser.</p>`,
  );
}

export function renderInstalledPage(installation: Installation): string {
  const team = installation.isEnterpriseInstall ? installation.enterprise : installation.team;
  const teamId = installation.team?.id ?? '';
  const name = team?.name ?? (installation.isEnterpriseInstall ? 'your organisation' : 'your workspace');
  const open = installation.appId && teamId ? `slack://app?team=${encodeURIComponent(teamId)}&id=${encodeURIComponent(installation.appId)}` : 'slack://open';
  const web = teamId ? `https://app.slack.com/client/${encodeURIComponent(teamId)}` : 'https://app.slack.com/client';
  return page(
    'mockdesign is installed',
    `<h1>mockdesign is installed in ${escapeHtml(name)}</h1>
<p>In any channel, type <code>/mockdesign start Design a URL shortener</code> to run your first mock interview. In a private channel, <code>/invite @mockdesign</code> first.</p>
<p><a class="button" id="open-slack" href="${escapeHtml(open)}">Open Slack</a></p>
<p class="muted">Or open it <a href="${escapeHtml(web)}">in your browser</a>.</p>`,
  );
}

/** What went wrong, in words for the person who clicked, and what to do about it. */
export function renderFailedPage(code: string): { status: number; html: string } {
  const again = `<p><a class="button" href="${INSTALL_PATH}">Start the install again</a></p>`;
  if (code === 'slack_oauth_user_cancelled') {
    return { status: 200, html: page('Install cancelled', `<h1>Install cancelled</h1><p>Nothing was installed. You can start again whenever you like.</p>${again}`) };
  }
  if (code === 'slack_oauth_invalid_state' || code === 'slack_oauth_missing_state') {
    return {
      status: 400,
      html: page(
        'This install link is not valid',
        `<h1>This install link has expired or was not started here</h1><p>For your safety an install has to be finished in the same browser that started it, within ${STATE_TTL_MS / 60_000} minutes. Nothing was installed.</p>${again}`,
      ),
    };
  }
  if (code === 'slack_oauth_missing_code') {
    return { status: 400, html: page('Install not finished', `<h1>The install did not finish</h1><p>Slack did not send the app a code to finish with. Nothing was installed.</p>${again}`) };
  }
  return {
    status: 502,
    html: page(
      'Install failed',
      `<h1>Slack did not complete the install</h1><p>Nothing was installed; please try again in a moment. If it keeps failing, the person who runs mockdesign can find <code>${escapeHtml(code)}</code> in its log.</p>${again}`,
    ),
  };
}

export interface InstallerOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly stateSecret: string;
  readonly installationStore: InstallationStore;
  readonly slackApiUrl: string;
  /** https://host: the redirect URL sent to Slack; Slack's own setting applies when absent. */
  readonly publicUrl: string | undefined;
  readonly clock: () => number;
  readonly logger: Logger & { level: Level };
}

/** A Bolt custom route. */
export interface Route {
  readonly path: string;
  readonly method: string[];
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

/** Slack's authorize page sits beside its Web API: https://slack.com/api/ → https://slack.com/oauth/v2/authorize. */
export function authorizeUrlFor(slackApiUrl: string): string {
  return new URL('../oauth/v2/authorize', slackApiUrl).toString();
}

/**
 * @slack/oauth's own lines, in our structured log. Left to itself it prints to the console, and at error level
 * with a stack trace for every failed install, a stale link or a cancel included. The routes below log each
 * failure once, at the level it deserves, so its error lines go to debug.
 *
 * The installer hands this logger to its Web API client too (oauth.v2.access, then auth.test), which at debug
 * level writes each request's body: for oauth.v2.access that is the client secret and the person's OAuth code.
 * That line is never kept; the client's others (method and URL, the result with its tokens redacted, retries,
 * warnings) are.
 */
function installerLogger(logger: Logger & { level: Level }): BoltLogger {
  const base = boltLogger(logger);
  base.setName('oauth');
  return {
    ...base,
    debug: (...message) => {
      if (typeof message[0] === 'string' && message[0].startsWith('http request body')) return;
      base.debug(...message);
    },
    error: (...message) => base.debug(...message),
  };
}

/** The two routes of the install flow, served by Bolt's receiver (HTTP or, for Socket Mode, its small HTTP server). */
export function installRoutes(options: InstallerOptions): Route[] {
  const { logger } = options;
  const installUrlOptions: InstallURLOptions = {
    scopes: [...BOT_SCOPES],
    ...(options.publicUrl ? { redirectUri: `${options.publicUrl}${REDIRECT_PATH}` } : {}),
  };
  const installer = new InstallProvider({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    stateSecret: options.stateSecret,
    stateStore: createStateStore(options.stateSecret, options.clock),
    stateCookieExpirationSeconds: STATE_TTL_MS / 1000,
    installationStore: options.installationStore,
    installUrlOptions,
    authorizationUrl: authorizeUrlFor(options.slackApiUrl),
    renderHtmlForInstallPath: renderInstallPage,
    logger: installerLogger(logger),
    // The exchange and its auth.test honour SLACK_API_URL, with a bounded wait and a couple of retries.
    clientOptions: { slackApiUrl: options.slackApiUrl, timeout: 10_000, retryConfig: { retries: 2, factor: 2, maxTimeout: 5_000 } },
  });

  const failed = (res: ServerResponse, code: string) => {
    const { status, html } = renderFailedPage(code);
    send(res, status, html);
  };

  return [
    {
      path: INSTALL_PATH,
      method: ['GET'],
      handler: async (req, res) => {
        try {
          await installer.handleInstallPath(req, res, undefined, installUrlOptions);
        } catch (error) {
          logger.error('could not show the install page', {}, error);
          if (!res.headersSent) failed(res, 'slack_oauth_generate_url_error');
        }
      },
    },
    {
      path: REDIRECT_PATH,
      method: ['GET'],
      handler: async (req, res) => {
        const cancelled = new URL(req.url ?? '/', 'http://localhost').searchParams.get('error') === 'access_denied';
        try {
          await installer.handleCallback(req, res, {
            success: (installation) => {
              logger.info('installed', {
                team: installation.team?.id ?? '',
                enterprise: installation.enterprise?.id ?? '',
                org_wide: installation.isEnterpriseInstall === true,
              });
              send(res, 200, renderInstalledPage(installation as Installation));
            },
            failure: (error) => {
              const code = cancelled ? 'slack_oauth_user_cancelled' : (error.code ?? 'unknown');
              // A person's mistake (an old link, another browser, cancelling) is not an error of ours.
              if (code.includes('state') || code.includes('missing_code') || cancelled) logger.info('install refused', { reason: code });
              else logger.error('install failed', { reason: code, detail: redactTokens(error.message) });
              failed(res, code);
            },
          });
        } catch (error) {
          logger.error('install failed', { reason: 'unexpected' }, error);
          if (!res.headersSent) failed(res, 'unknown');
        }
      },
    },
  ];
}
