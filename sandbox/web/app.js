/** The sandbox page: a Slack-like workspace over the sandbox's JSON API and its event stream. No markup is built from message text. */
import { elementValue, formatSlackDate, formatTime, h, isSafeUrl, renderBlocks, renderMessageContent, textObject, toDom, zonedParts } from './render.js';

const $ = (id) => document.getElementById(id);
const dom = (node) => toDom(node, document);

const state = {
  /** Every workspace, whether the app is installed in each, and the mode the app runs in (GET /api/workspaces). */
  workspaces: null,
  /** The workspace on screen; each has its own people, channels and "Viewing as". */
  team: '',
  workspace: null,
  users: new Map(),
  channels: new Map(),
  user: '',
  /** { kind: 'channel', channel } or { kind: 'app', tab: 'home' | 'messages' } */
  view: { kind: 'channel', channel: '' },
  thread: null,
  data: null,
  /** Ephemerals the viewer dismissed; like Slack, dismissing only hides them on this page. */
  dismissed: new Set(),
  /** Which view the open modal shows; the modal is rebuilt only when this changes. */
  modalKey: '',
  /** The open "More actions" menu: { channel, ts, place }, or null. It lives outside the lists, so refreshes keep it. */
  menu: null,
  /**
   * What each person left the selects, radio buttons and checkboxes of a message or Home view in, as Slack's client
   * keeps it: by container (see keptKey), then `blockIndex:elementIndex`. Live refreshes redraw from it.
   */
  kept: new Map(),
};

const storage = {
  get(key) {
    try {
      return localStorage.getItem(`mockdesign-sandbox.${key}`) ?? '';
    } catch {
      return '';
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(`mockdesign-sandbox.${key}`, value);
    } catch {
      // private mode: the page just forgets the choice
    }
  },
};

async function api(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(path, init);
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.error ?? `HTTP ${res.status}`);
  return json;
}

function toast(text, kind = 'error') {
  const node = dom(h('div', { class: `toast toast-${kind}`, role: 'status' }, text));
  $('toast-root').append(node);
  setTimeout(() => node.remove(), 6000);
}

// ---------------------------------------------------------------------------------------------------------------
// Who is looking, and where

function viewer() {
  return state.users.get(state.user) ?? { id: state.user, name: state.user, tz: 'UTC' };
}

function currentChannelId() {
  if (state.view.kind === 'channel') return state.view.channel;
  return state.view.tab === 'messages' ? `D${state.user}` : null;
}

function visibleChannels() {
  return [...state.channels.values()].filter((c) => !c.isIm && c.members.includes(state.user));
}

function renderContext(extra = {}) {
  return {
    users: state.users,
    channels: state.channels,
    viewer: { id: state.user, tz: viewer().tz },
    now: Date.now(),
    fileUrl,
    ...extra,
  };
}

/** A shared file's content, as the sandbox server serves it to the current viewer (absolute: only http(s) links are drawn). */
function fileUrl(file, { download }) {
  const query = new URLSearchParams({ user: state.user, ...(download ? { download: '1' } : {}) });
  return new URL(`/api/files/${encodeURIComponent(file.id)}?${query}`, window.location.href).href;
}

function userName(id) {
  return state.users.get(id)?.name ?? id;
}

function teamSummary(id = state.team) {
  return state.workspaces?.workspaces.find((w) => w.team.id === id);
}

function teamName(id) {
  return teamSummary(id)?.team.name ?? id;
}

/** Several workspaces: the page then says which one each post and installation belongs to. */
function multiTeam() {
  return (state.workspaces?.workspaces.length ?? 0) > 1;
}

function plain(text) {
  return { type: 'plain_text', text };
}

function avatar(id, small = false) {
  const user = state.users.get(id);
  const isBot = user?.isBot ?? false;
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const cls = `avatar${small ? ' avatar-small' : ''} ${isBot ? 'avatar-bot' : `avatar-${hash % 6}`}`;
  const letter = isBot ? 'md' : (user?.name ?? id).slice(0, 1).toUpperCase();
  return h('div', { class: cls, 'aria-hidden': 'true' }, letter);
}

/** The workspaces and their installs; keeps the one on screen unless it is gone. Says so when an install comes or goes. */
async function loadWorkspaces() {
  applyWorkspaces(await api('/api/workspaces'));
  const teams = state.workspaces.workspaces.map((w) => w.team.id);
  if (!teams.includes(state.team)) state.team = teams.includes(storage.get('team')) ? storage.get('team') : (teams[0] ?? '');
  renderRail();
}

/** Takes a fresh list of workspaces; returns whether an installation came, went or was replaced. */
function applyWorkspaces(list) {
  const before = state.workspaces;
  state.workspaces = list;
  let changed = false;
  for (const w of before ? list.workspaces : []) {
    const was = before.workspaces.find((x) => x.team.id === w.team.id);
    if (!was || was.installation?.id === w.installation?.id) continue;
    changed = true;
    if (was.installed !== w.installed) {
      toast(w.installed ? `${w.team.name}: mockdesign is installed (${w.installation?.id ?? ''}).` : `${w.team.name}: mockdesign was uninstalled.`, 'info');
    }
  }
  return changed;
}

/** The workspace on screen as its people see it: its people, channels, and people of other workspaces in shared ones. */
async function loadWorkspace() {
  const team = state.team;
  const ws = await api(`/api/workspace?${new URLSearchParams({ team })}`);
  // Another workspace was picked while this one loaded.
  if (team !== state.team) return;
  state.workspace = ws;
  state.users = new Map(ws.users.map((u) => [u.id, u]));
  state.channels = new Map(ws.channels.map((c) => [c.id, c]));
  const humans = ws.users.filter((u) => !u.isBot && u.teamId === ws.team.id);
  if (!humans.some((u) => u.id === state.user)) {
    const saved = storage.get(`user.${team}`);
    state.user = humans.some((u) => u.id === saved) ? saved : (humans[0]?.id ?? '');
  }
  if (state.view.kind === 'app' && !ws.installed) state.view = { kind: 'channel', channel: '' };
  if (state.view.kind === 'channel' && !visibleChannels().some((c) => c.id === state.view.channel)) {
    const saved = storage.get(`channel.${team}`);
    const first = visibleChannels().find((c) => c.id === saved) ?? visibleChannels()[0];
    state.view = { kind: 'channel', channel: first?.id ?? '' };
    state.thread = null;
  }
  renderUserSwitcher();
}

/** After an install or an uninstall: the rail, the workspace on screen, then its messages. */
async function reloadWorkspaces() {
  try {
    await loadWorkspaces();
    await loadWorkspace();
  } catch (err) {
    toast(`Could not load the workspaces: ${err.message}`);
  }
  scheduleRefresh(0);
}

// ---------------------------------------------------------------------------------------------------------------
// Refresh: one state request, debounced, newest answer wins

let refreshTimer = null;
let refreshing = false;
let refreshAgain = false;

function scheduleRefresh(delay = 30) {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, delay);
}

/** What the page is showing: an answer asked for another workspace, person, channel or thread is not shown. */
function viewKey() {
  return JSON.stringify([state.team, state.user, currentChannelId(), state.view.kind === 'channel' ? state.thread : null]);
}

async function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return;
  }
  if (!state.user) return;
  refreshing = true;
  try {
    const key = viewKey();
    const query = new URLSearchParams({ user: state.user });
    const channel = currentChannelId();
    if (channel) query.set('channel', channel);
    if (state.thread && state.view.kind === 'channel') query.set('thread', state.thread);
    // The installations too: their token's call count moves with every post.
    const [data, workspaces] = await Promise.all([api(`/api/state?${query}`), api('/api/workspaces')]);
    if (applyWorkspaces(workspaces)) void reloadWorkspaces();
    if (key !== viewKey()) {
      // The viewer moved on while this loaded (another workspace, person or thread): ask again for what is shown now.
      refreshAgain = true;
      return;
    }
    state.data = data;
    render();
  } catch (err) {
    toast(`Could not load the workspace: ${err.message}`);
  } finally {
    refreshing = false;
    if (refreshAgain) {
      refreshAgain = false;
      scheduleRefresh(0);
    }
  }
}

function render() {
  renderRail();
  renderSidebar();
  renderInstallBanner();
  renderHeader();
  renderMain();
  renderThread();
  renderModal();
  renderClock();
  // The message the menu was opened on may have been deleted, or the pane holding it closed.
  if (state.menu && !document.querySelector('.message.menu-open')) closeMenu();
}

// ---------------------------------------------------------------------------------------------------------------
// Chrome: user switcher, sidebar, header

function renderUserSwitcher() {
  const select = $('user-select');
  const people = state.workspace.users.filter((u) => !u.isBot && u.teamId === state.workspace.team.id);
  select.replaceChildren(
    ...people.map((u) => dom(h('option', { value: u.id, ...(u.id === state.user ? { selected: 'selected' } : {}) }, `${u.name} (${u.tz})`))),
  );
  select.value = state.user;
  $('user-switcher-team').textContent = multiTeam() ? `${state.workspace.team.name} \u00b7 ` : '';
}

let railKey = '';

/** Slack's workspace switcher: one button per workspace, shown when there is more than one. */
function renderRail() {
  const rail = $('team-rail');
  const list = state.workspaces?.workspaces ?? [];
  const show = list.length > 1;
  rail.hidden = !show;
  $('workspace').classList.toggle('with-rail', show);
  // Rebuilt only when something on it changes, so a focused button keeps its focus through live refreshes.
  const key = JSON.stringify([state.team, list.map((w) => [w.team.id, w.team.name, w.installed])]);
  if (key === railKey) return;
  railKey = key;
  if (!show) {
    rail.replaceChildren();
    return;
  }
  rail.replaceChildren(
    ...list.map((w, index) => {
      const active = w.team.id === state.team;
      const status = w.installed ? 'mockdesign installed' : 'mockdesign not installed';
      return dom(
        h(
          'button',
          {
            class: `team-button${active ? ' active' : ''}`, type: 'button', 'data-team': w.team.id, title: `${w.team.name} (${status})`,
            'aria-label': `${w.team.name} workspace, ${status}`, ...(active ? { 'aria-current': 'true' } : {}), on: { click: () => void switchTeam(w.team.id) },
          },
          h('span', { class: `team-icon team-icon-${index % 4}`, 'aria-hidden': 'true' }, w.team.name.slice(0, 1).toUpperCase()),
          h('span', { class: 'team-button-name' }, w.team.name),
          w.installed ? null : h('span', { class: 'team-not-installed', 'aria-hidden': 'true' }),
        ),
      );
    }),
  );
}

/** "Add to Slack": the app's own install page, in a new tab; Slack's authorize page (the stand-in) follows, then the app's. */
function addToSlack(extraClass = '') {
  return h('a', { class: `btn btn-primary add-to-slack ${extraClass}`.trim(), href: state.workspaces.installUrl, target: '_blank', rel: 'noopener' }, 'Add to Slack');
}

/** Where the app stands in this workspace: its installation (and the token it posts with), or how to install it. */
function installPanel() {
  const summary = teamSummary();
  if (!summary || state.workspaces.mode !== 'workspaces') return null;
  const inst = summary.installation;
  if (!summary.installed || !inst) {
    return h('div', { class: 'install-panel' }, h('div', { class: 'install-status' }, 'mockdesign is not installed'), addToSlack());
  }
  return h(
    'div',
    { class: 'install-panel installed' },
    h('div', { class: 'install-status' }, 'mockdesign installed'),
    h(
      'div',
      { class: 'install-details', title: 'The stand-in’s record of this installation: the app posts here with this bot token only' },
      `${inst.id} \u00b7 bot ${userName(inst.botUserId)} (${inst.botUserId}) \u00b7 token ${inst.tokenId ?? 'none'} \u00b7 ${inst.calls} calls`,
    ),
    h('button', { class: 'btn btn-danger uninstall', type: 'button', on: { click: () => void uninstallApp() } }, 'Uninstall'),
  );
}

function renderInstallBanner() {
  const banner = $('install-banner');
  const summary = teamSummary();
  const show = Boolean(summary && !summary.installed);
  banner.hidden = !show;
  if (!show) {
    banner.replaceChildren();
    return;
  }
  const name = summary.team.name;
  const canInstall = state.workspaces.mode === 'workspaces';
  banner.replaceChildren(
    dom(
      h(
        'div',
        { class: 'install-text' },
        h('strong', {}, `mockdesign is not installed in ${name}.`),
        canInstall
          ? ' Commands still reach the app, which answers with its install link. Add to Slack opens the app\u2019s install page in a new tab: Allow on Slack\u2019s page, then come back here.'
          : ' The app has no token for it; restart the sandbox to start over.',
      ),
    ),
    ...(canInstall ? [dom(addToSlack())] : []),
  );
}

function renderClock() {
  const v = viewer();
  $('viewer-clock').textContent = `${formatTime(Date.now(), v.tz)} for ${v.name}`;
}

function sidebarItem(label, icon, active, onClick, extra = {}, suffix = null) {
  return h(
    'button',
    { class: `sidebar-item${active ? ' active' : ''}`, type: 'button', ...(active ? { 'aria-current': 'page' } : {}), on: { click: onClick }, ...extra },
    icon,
    h('span', { class: 'sidebar-label' }, label),
    suffix,
  );
}

/**
 * The app's messages in the viewer's DM that they have not seen yet (private nudges and notices for someone outside
 * the channel go there). Opening the Messages tab marks them seen, as Slack's unread badge does.
 */
function unreadDms() {
  const dm = state.data?.appDm;
  if (!dm || state.data.user !== state.user) return 0;
  const key = `dmSeen.${state.team}.${state.user}`;
  const latest = dm.messages.at(-1) ?? '';
  if (state.view.kind === 'app' && state.view.tab === 'messages') {
    if (latest && Number(latest) > Number(storage.get(key) || 0)) storage.set(key, latest);
    return 0;
  }
  const seen = Number(storage.get(key) || 0);
  return dm.messages.filter((ts) => Number(ts) > seen).length;
}

function unreadBadge(count) {
  return count > 0 ? h('span', { class: 'unread-badge', title: `${count} new direct message${count === 1 ? '' : 's'} from the app` }, String(count)) : null;
}

function renderSidebar() {
  const bot = state.workspace.bot;
  const unread = unreadDms();
  const installed = state.workspace.installed;
  const channels = visibleChannels().map((c) =>
    sidebarItem(
      c.name,
      c.isPrivate ? h('span', { class: 'icon-lock', 'aria-hidden': 'true' }) : h('span', { class: 'icon-hash', 'aria-hidden': 'true' }, '#'),
      state.view.kind === 'channel' && state.view.channel === c.id,
      () => openChannel(c.id),
      { 'data-channel': c.id, ...(c.sharedWith.length > 0 ? { title: `Shared with ${c.sharedWith.map(teamName).join(', ')}` } : {}) },
      c.sharedWith.length > 0 ? h('span', { class: 'icon-shared', 'aria-label': 'shared channel' }, '\u21c4') : null,
    ),
  );
  // Slack lists an app in the sidebar only where it is installed.
  const app = installed
    ? sidebarItem(
        bot.name, avatar(bot.userId, true), state.view.kind === 'app',
        // Unread messages open where they are, as a click on a DM with a badge does in Slack.
        () => openApp(state.workspace.app.homeTab && !(unread > 0 && state.workspace.app.messagesTab) ? 'home' : 'messages'),
        { 'data-app': bot.appId, ...(unread > 0 ? { 'aria-label': `${bot.name}, ${unread} unread` } : {}) },
        unreadBadge(unread),
      )
    : h('div', { class: 'sidebar-note' }, `${bot.name} is not installed here`);
  const sub = multiTeam() ? `${state.workspace.team.domain}.slack.com \u00b7 local stand-in` : 'local stand-in workspace';
  const sidebar = $('sidebar');
  // Whose view the sidebar shows: switching people re-renders it only once their workspace has loaded.
  sidebar.dataset.viewer = state.user;
  sidebar.replaceChildren(
    dom(h('div', { class: 'team-header' }, h('div', { class: 'team-name' }, state.workspace.team.name), h('div', { class: 'team-sub' }, sub), installPanel())),
    dom(h('div', { class: 'sidebar-section' }, h('div', { class: 'sidebar-title' }, 'Channels'), channels)),
    dom(h('div', { class: 'sidebar-section' }, h('div', { class: 'sidebar-title' }, 'Apps'), app)),
    dom(h('div', { class: 'sidebar-footer' }, 'No Slack workspace involved: messages go to a local stand-in of Slack\u2019s Web API.')),
  );
}

function renderHeader() {
  const header = $('channel-header');
  const tabs = $('tabs');
  const info = state.data?.channel?.info;
  if (state.view.kind === 'app') {
    const bot = state.workspace.bot;
    header.replaceChildren(dom(h('div', { class: 'channel-title' }, avatar(bot.userId, true), h('span', {}, bot.name), h('span', { class: 'app-badge' }, 'APP'))));
    tabs.hidden = false;
    const available = [state.workspace.app.homeTab ? 'home' : null, state.workspace.app.messagesTab ? 'messages' : null].filter(Boolean);
    tabs.replaceChildren(
      ...available.map((tab) =>
        dom(
          h(
            'button',
            { class: `tab${state.view.tab === tab ? ' active' : ''}`, type: 'button', role: 'tab', on: { click: () => openApp(tab) } },
            tab === 'home' ? 'Home' : 'Messages',
            tab === 'messages' ? unreadBadge(unreadDms()) : null,
          ),
        ),
      ),
    );
    return;
  }
  tabs.hidden = true;
  if (!info) {
    header.replaceChildren();
    return;
  }
  const members = `${info.members.length + (info.botIsMember ? 1 : 0)} members`;
  const bot = state.workspace.bot.name;
  const shared = info.sharedWith.length > 0
    ? h('span', { class: 'shared-badge', title: 'Slack Connect: people and the app of each workspace take part' }, `Shared with ${info.sharedWith.map(teamName).join(', ')}`)
    : null;
  header.replaceChildren(
    dom(
      h(
        'div',
        { class: 'channel-title' },
        multiTeam() ? h('span', { class: 'channel-team' }, state.workspace.team.name) : null,
        info.isPrivate ? h('span', { class: 'icon-lock', 'aria-hidden': 'true' }) : h('span', { class: 'icon-hash' }, '#'),
        h('span', {}, info.name),
        shared,
      ),
    ),
    dom(
      h(
        'div',
        { class: 'channel-meta' },
        members,
        info.botIsMember || info.isIm
          ? null
          : h('span', { class: 'not-member', title: 'The app is not a member of this channel' }, ` · @${bot} is not in this channel (`, h('code', {}, `/invite @${bot}`), ' adds it)'),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Messages

function tsMs(ts) {
  return Math.round(Number(ts) * 1000);
}

function messageItems(messages, ephemerals) {
  const items = [
    ...messages.map((m) => ({ kind: 'message', ts: m.ts, m })),
    ...ephemerals.filter((e) => !state.dismissed.has(e.ts)).map((e) => ({ kind: 'ephemeral', ts: e.ts, m: e })),
  ];
  return items.sort((a, b) => Number(a.ts) - Number(b.ts));
}

function threadSummary(m, channel) {
  const count = m.reply_count ?? 0;
  if (count === 0) return null;
  const latest = m.latest_reply ? formatSlackDate(Math.floor(Number(m.latest_reply)), '{date_short_pretty} at {time}', { timeZone: viewer().tz }) : '';
  return h(
    'div',
    { class: 'thread-summary' },
    (m.reply_users ?? []).slice(0, 3).map((u) => avatar(u, true)),
    h('button', { class: 'link-button replies', type: 'button', on: { click: () => openThread(channel, m.ts) } }, `${count} ${count === 1 ? 'reply' : 'replies'}`),
    latest ? h('span', { class: 'last-reply' }, `Last reply ${latest}`) : null,
  );
}

/** The hover menu of a message: "Reply in thread" in the channel, and "More actions" wherever the app has message shortcuts. */
function hoverMenu(m, channel, place) {
  const open = menuIsOn(channel, m.ts, place);
  const reply =
    place === 'channel'
      ? h('button', { class: 'hover-button', type: 'button', title: 'Reply in thread', on: { click: () => openThread(channel, m.ts) } }, 'Reply in thread')
      : null;
  const more =
    state.workspace.messageShortcuts.length > 0
      ? h(
          'button',
          {
            class: 'hover-button more-actions', type: 'button', title: 'More actions', 'aria-label': 'More actions', 'aria-haspopup': 'menu',
            'aria-expanded': open ? 'true' : 'false', on: { click: (event) => openMenu(event.currentTarget, { channel, ts: m.ts, place }) },
          },
          '\u22ee',
        )
      : null;
  if (!reply && !more) return null;
  return h('div', { class: 'hover-menu', role: 'toolbar', 'aria-label': 'Message actions' }, reply, more);
}

/** One message or ephemeral; `place` is 'channel' or 'thread' (only the channel shows reply counts and "Reply in thread"). */
function messageNode(item, channel, place) {
  const m = item.m;
  const ephemeral = item.kind === 'ephemeral';
  const authorId = ephemeral ? (m.from === 'slackbot' ? null : state.workspace.bot.userId) : m.user;
  const isBot = ephemeral ? true : Boolean(m.bot_id) || state.users.get(m.user)?.isBot;
  const name = authorId === null ? 'Slackbot' : userName(authorId);
  const where = { channel, messageTs: m.ts, isEphemeral: ephemeral };
  // One state per message, wherever it shows (the channel, and the thread pane for a thread's parent).
  const key = keptKey(`${channel}:${m.ts}:${m.edited?.ts ?? ''}`);
  const ctx = renderContext({
    scope: `${place}-${m.ts}`,
    onButton: (click) => onButton(click, where, key),
    onSelect: (change) => onSelect(change, where, key),
    stateOf: (blockIndex, elementIndex) => state.kept.get(key)?.get(`${blockIndex}:${elementIndex}`),
  });
  const time = formatTime(tsMs(m.ts), viewer().tz);
  // Slack Connect: someone (or some app) from another workspace carries that workspace's name.
  const fromTeam = ephemeral ? null : (m.user_team ?? m.team ?? null);
  const external = fromTeam && fromTeam !== state.team ? h('span', { class: 'external-team', title: `From the ${teamName(fromTeam)} workspace` }, teamName(fromTeam)) : null;
  const by = !ephemeral && m.postedBy && multiTeam()
    ? h(
        'span',
        { class: 'posted-by', title: `Posted with ${m.postedBy.teamName}\u2019s installation ${m.postedBy.installationId} (bot token ${m.postedBy.tokenId}, bot ${m.postedBy.botUserId})` },
        `via ${m.postedBy.teamName}\u2019s install`,
      )
    : null;
  const content =
    m.subtype === 'tombstone'
      ? [h('div', { class: 'tombstone' }, 'This message was deleted.')]
      : m.subtype === 'channel_join'
        ? [h('div', { class: 'system-text' }, 'has joined the channel')]
        : renderMessageContent(m, ctx);
  const menuOpen = !ephemeral && menuIsOn(channel, m.ts, place);
  return h(
    'div',
    { class: `message${ephemeral ? ' ephemeral' : ''}${menuOpen ? ' menu-open' : ''}`, 'data-ts': m.ts, ...(ephemeral ? { 'data-ephemeral': 'true' } : {}) },
    authorId === null ? h('div', { class: 'avatar avatar-slackbot', 'aria-hidden': 'true' }, 'S') : avatar(authorId),
    h(
      'div',
      { class: 'message-body' },
      ephemeral ? h('div', { class: 'ephemeral-note' }, h('span', { class: 'icon-eye', 'aria-hidden': 'true' }), 'Only visible to you') : null,
      h(
        'div',
        { class: 'message-header' },
        h('span', { class: 'author' }, name),
        isBot ? h('span', { class: 'app-badge' }, 'APP') : null,
        external,
        by,
        h('span', { class: 'timestamp', title: new Date(tsMs(m.ts)).toISOString() }, time),
        m.edited ? h('span', { class: 'edited' }, '(edited)') : null,
      ),
      h('div', { class: 'message-content' }, content),
      place === 'channel' && !ephemeral ? threadSummary(m, channel) : null,
      ephemeral
        ? h('button', { class: 'link-button dismiss', type: 'button', on: { click: () => dismiss(m.ts) } }, 'Dismiss')
        : null,
    ),
    // Slack offers no actions on ephemerals or on what is left of a deleted message.
    !ephemeral && m.subtype !== 'tombstone' ? hoverMenu(m, channel, place) : null,
  );
}

function dayDivider(ts) {
  const label = formatSlackDate(Math.floor(Number(ts)), '{date_long_pretty}', { timeZone: viewer().tz });
  return h('div', { class: 'day-divider' }, h('span', {}, label.charAt(0).toUpperCase() + label.slice(1)));
}

function messageList(items, channel, place) {
  const nodes = [];
  let lastDay = '';
  for (const item of items) {
    const p = zonedParts(tsMs(item.ts), viewer().tz);
    const day = `${p.year}-${p.month}-${p.day}`;
    if (place === 'channel' && day !== lastDay) nodes.push(dayDivider(item.ts));
    lastDay = day;
    nodes.push(messageNode(item, channel, place));
  }
  return nodes;
}

/** Replaces a scrolling list's children, staying at the bottom if the reader was there. */
function replaceList(container, nodes, key) {
  const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 60;
  const previous = container.scrollTop;
  container.replaceChildren(...nodes.map(dom));
  const sameList = container.dataset.key === key;
  container.dataset.key = key;
  container.scrollTop = !sameList || atBottom ? container.scrollHeight : previous;
}

function renderMain() {
  const list = $('message-list');
  const home = $('home');
  const composer = $('composer');
  const isHome = state.view.kind === 'app' && state.view.tab === 'home';
  const readOnly = state.view.kind === 'app' && state.view.tab === 'messages' && state.workspace.app.messagesTabReadOnly;
  list.hidden = isHome;
  composer.hidden = isHome || readOnly;
  home.hidden = !isHome;
  $('read-only').hidden = !readOnly;
  if (isHome) {
    renderHome();
    return;
  }
  const channel = state.data?.channel;
  if (!channel) {
    list.replaceChildren(dom(h('div', { class: 'empty' }, 'Pick a channel.')));
    return;
  }
  const items = messageItems(channel.messages, channel.ephemerals);
  const nodes = items.length > 0 ? messageList(items, channel.info.id, 'channel') : [emptyChannel(channel.info)];
  replaceList(list, nodes, `${state.user}:${channel.info.id}`);
  const input = $('composer-input');
  input.placeholder = channel.info.isIm ? `Message ${channel.info.name}` : `Message #${channel.info.name}`;
}

function emptyChannel(info) {
  const command = state.workspace.commands[0]?.command ?? '/command';
  if (info.isIm) {
    return h('div', { class: 'empty' }, h('div', { class: 'empty-title' }, 'No messages from the app yet'), `Direct messages from ${state.workspace.bot.name} to you show up here.`);
  }
  return h(
    'div',
    { class: 'empty' },
    h('div', { class: 'empty-title' }, `This is the very beginning of #${info.name}`),
    'Try ',
    h('code', {}, `${command} start Design a URL shortener --plan 1m/2m/2m/1m`),
    ' in the composer below.',
  );
}

function renderHome() {
  const home = $('home');
  const view = state.data?.home;
  if (!view) {
    const text = state.workspace.installed
      ? `${state.workspace.bot.name} has not published a Home view for ${viewer().name}. The page sent app_home_opened; a Home tab appears here once the app calls views.publish.`
      : `${state.workspace.bot.name} is not installed in ${state.workspace.team.name}, so Slack sends it no app_home_opened.`;
    home.replaceChildren(dom(h('div', { class: 'empty home-empty' }, h('div', { class: 'empty-title' }, 'This app has no Home tab yet'), text)));
    return;
  }
  const key = keptKey(`home:${view.id}:${view.hash}`);
  const ctx = renderContext({
    scope: `home-${view.id}`,
    onButton: (click) => onButton(click, { viewId: view.id }, key),
    onSelect: (change) => onSelect(change, { viewId: view.id }, key),
    stateOf: (blockIndex, elementIndex) => state.kept.get(key)?.get(`${blockIndex}:${elementIndex}`),
  });
  home.replaceChildren(dom(h('div', { class: 'home-view' }, renderBlocks(view.blocks, ctx))));
}

// ---------------------------------------------------------------------------------------------------------------
// Thread pane

function renderThread() {
  const pane = $('thread-pane');
  const thread = state.data?.thread;
  const open = Boolean(state.thread && thread && state.view.kind === 'channel');
  pane.hidden = !open;
  $('workspace').classList.toggle('with-thread', open);
  if (!open) return;
  const channel = state.data.channel.info;
  $('thread-channel').textContent = multiTeam() ? `#${channel.name} \u00b7 ${state.workspace.team.name}` : `#${channel.name}`;
  const parent = messageNode({ kind: 'message', ts: thread.parent.ts, m: thread.parent }, channel.id, 'thread');
  const count = thread.replies.length;
  const divider = h('div', { class: 'replies-divider' }, h('span', {}, `${count} ${count === 1 ? 'reply' : 'replies'}`));
  const replies = messageList(messageItems(thread.replies, thread.ephemerals), channel.id, 'thread');
  replaceList($('thread-list'), [parent, divider, ...replies], `${state.user}:${channel.id}:${thread.parent.ts}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Modals

function renderModal() {
  const root = $('modal-root');
  const stack = state.data?.modals ?? [];
  const top = stack.at(-1);
  const key = top ? `${state.user}:${top.id}:${top.hash}:${stack.length}` : '';
  // Re-rendering would wipe what the person typed: only a different view (or a views.update) replaces the modal.
  if (key === state.modalKey) return;
  state.modalKey = key;
  if (!top) {
    root.hidden = true;
    root.replaceChildren();
    return;
  }
  // A modal keeps its state in the page itself (it is redrawn only for another view); a change outside its input
  // blocks is sent at once with what every element holds.
  const ctx = renderContext({
    scope: `modal-${top.id}`,
    onButton: (click) => onButton(click, { viewId: top.id }),
    onSelect: (change) => onSelect(change, { viewId: top.id }),
  });
  const close = () => closeModal(top.id);
  const modal = h(
    'div',
    { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'aria-label': top.title?.text ?? 'Modal', 'data-view-id': top.id, 'data-callback-id': top.callback_id ?? '' },
    h(
      'div',
      { class: 'modal-header' },
      stack.length > 1 ? h('button', { class: 'icon-button back', type: 'button', 'aria-label': 'Back', on: { click: close } }, '‹') : null,
      h('div', { class: 'modal-title' }, textObject(top.title, ctx)),
      h('button', { class: 'icon-button', type: 'button', 'aria-label': 'Close', on: { click: close } }, '×'),
    ),
    h('div', { class: 'modal-body' }, h('div', { class: 'modal-banner', role: 'alert' }), renderBlocks(top.blocks, ctx)),
    h(
      'div',
      { class: 'modal-footer' },
      h('button', { class: 'btn', type: 'button', on: { click: close } }, top.close ? textObject(top.close, ctx) : 'Cancel'),
      top.submit ? h('button', { class: 'btn btn-primary submit', type: 'button', on: { click: () => submitModal(top) } }, textObject(top.submit, ctx)) : null,
    ),
  );
  root.replaceChildren(dom(h('div', { class: 'modal-overlay' }, modal)));
  root.hidden = false;
  root.querySelector('.modal-banner').hidden = true;
  root.querySelector('textarea, input, select')?.focus();
}

function modalElement() {
  return $('modal-root').querySelector('.modal');
}

function showFormErrors(errors) {
  const modal = modalElement();
  if (!modal) return;
  for (const node of modal.querySelectorAll('[data-error-for]')) {
    const message = errors[node.dataset.errorFor] ?? '';
    node.textContent = message;
    node.closest('.block')?.classList.toggle('has-error', message !== '');
  }
}

function showBanner(message) {
  const banner = modalElement()?.querySelector('.modal-banner');
  if (!banner) return;
  banner.textContent = message;
  banner.hidden = message === '';
}

/** What every element of a view on the page (the open modal, the Home tab) holds, by block and action id, as the page sends it. */
function viewValues(root = modalElement()) {
  const values = {};
  for (const field of root?.querySelectorAll('[data-element]') ?? []) {
    const value = elementValue(field);
    if (value === undefined) continue;
    const blockId = field.dataset.blockId;
    values[blockId] ??= {};
    values[blockId][field.dataset.actionId] = value;
  }
  return values;
}

async function submitModal(view) {
  const modal = modalElement();
  if (!modal) return;
  const values = viewValues();
  const submit = modal.querySelector('.submit');
  submit.disabled = true;
  submit.classList.add('busy');
  try {
    const result = await api('/api/view/submit', { user: state.user, viewId: view.id, values });
    showFormErrors(result.outcome === 'errors' ? result.errors : {});
    showBanner(result.outcome === 'failed' ? result.message : '');
    if (result.outcome === 'closed') scheduleRefresh(0);
  } catch (err) {
    showBanner(err.message);
  } finally {
    submit.disabled = false;
    submit.classList.remove('busy');
  }
}

async function closeModal(viewId) {
  try {
    await api('/api/view/close', { user: state.user, viewId });
  } catch (err) {
    toast(err.message);
  }
  scheduleRefresh(0);
}

// ---------------------------------------------------------------------------------------------------------------
// "More actions": the app's message shortcuts

function menuIsOn(channel, ts, place) {
  const menu = state.menu;
  return Boolean(menu && menu.channel === channel && menu.ts === ts && menu.place === place);
}

function closeMenu() {
  if (!state.menu) return;
  state.menu = null;
  const root = $('menu-root');
  root.hidden = true;
  root.replaceChildren();
  for (const node of document.querySelectorAll('.message.menu-open')) node.classList.remove('menu-open');
  for (const node of document.querySelectorAll('.more-actions[aria-expanded="true"]')) node.setAttribute('aria-expanded', 'false');
}

/** Like Slack's menu: the app's message shortcuts by name, with the app's name beside each. */
function openMenu(button, where) {
  closeMenu();
  state.menu = where;
  button.setAttribute('aria-expanded', 'true');
  button.closest('.message')?.classList.add('menu-open');
  const bot = state.workspace.bot.name;
  const items = state.workspace.messageShortcuts.map((shortcut) =>
    h(
      'button',
      { class: 'menu-item', type: 'button', role: 'menuitem', title: shortcut.description, 'data-callback-id': shortcut.callbackId, on: { click: () => void useShortcut(shortcut, where) } },
      h('span', { class: 'menu-item-name' }, shortcut.name),
      h('span', { class: 'menu-item-app' }, bot),
    ),
  );
  const menu = dom(
    h(
      'div',
      { class: 'shortcut-menu', role: 'menu', 'aria-label': 'More actions', on: { keydown: onMenuKey, click: (event) => event.stopPropagation() } },
      h('div', { class: 'menu-title' }, 'Message shortcuts'),
      items,
    ),
  );
  const root = $('menu-root');
  root.replaceChildren(menu);
  root.hidden = false;
  // Below the button, right-aligned with it; above it when there is no room underneath.
  const anchor = button.getBoundingClientRect();
  const { offsetWidth: width, offsetHeight: height } = menu;
  const top = anchor.bottom + 4 + height > window.innerHeight - 8 ? Math.max(8, anchor.top - height - 4) : anchor.bottom + 4;
  const left = Math.max(8, Math.min(anchor.right - width, window.innerWidth - width - 8));
  menu.style.top = `${top}px`;
  menu.style.left = `${left}px`;
  menu.querySelector('.menu-item')?.focus();
}

function onMenuKey(event) {
  const items = [...$('menu-root').querySelectorAll('.menu-item')];
  const index = items.indexOf(document.activeElement);
  if (event.key === 'Escape' || event.key === 'Tab') {
    event.preventDefault();
    event.stopPropagation();
    closeMenu();
  } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    const step = event.key === 'ArrowDown' ? 1 : -1;
    items[(index + step + items.length) % items.length]?.focus();
  }
}

async function useShortcut(shortcut, where) {
  closeMenu();
  try {
    const result = await api('/api/shortcut', { user: state.user, channel: where.channel, messageTs: where.ts, callbackId: shortcut.callbackId });
    if (!result.ok) toast(`${shortcut.name} did not reach the app (${result.error}). Slack would show an error and open nothing.`);
  } catch (err) {
    toast(err.message);
  }
  // A modal the app opens arrives with the next change event; this covers an app that only acked.
  scheduleRefresh(0);
}

// ---------------------------------------------------------------------------------------------------------------
// Buttons and confirm dialogs

function confirmDialog(confirm) {
  const root = $('confirm-root');
  const ctx = renderContext();
  return new Promise((resolve) => {
    const done = (answer) => {
      root.hidden = true;
      root.replaceChildren();
      document.removeEventListener('keydown', onKey, true);
      resolve(answer);
    };
    const onKey = (event) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        done(false);
      }
    };
    const danger = confirm.style === 'danger';
    root.replaceChildren(
      dom(
        h(
          'div',
          { class: 'modal-overlay confirm-overlay' },
          h(
            'div',
            { class: 'modal confirm', role: 'alertdialog', 'aria-modal': 'true', 'aria-label': confirm.title?.text ?? 'Are you sure?' },
            h('div', { class: 'modal-header' }, h('div', { class: 'modal-title' }, confirm.title ? textObject(confirm.title, ctx) : 'Are you sure?')),
            h('div', { class: 'modal-body confirm-text' }, textObject(confirm.text, ctx)),
            h(
              'div',
              { class: 'modal-footer' },
              h('button', { class: 'btn deny', type: 'button', on: { click: () => done(false) } }, confirm.deny ? textObject(confirm.deny, ctx) : 'Cancel'),
              h('button', { class: `btn ${danger ? 'btn-danger' : 'btn-primary'} accept`, type: 'button', on: { click: () => done(true) } }, confirm.confirm ? textObject(confirm.confirm, ctx) : 'Yes'),
            ),
          ),
        ),
      ),
    );
    root.hidden = false;
    document.addEventListener('keydown', onKey, true);
    root.querySelector('.accept')?.focus();
  });
}

/** The page's memory of one message's or Home view's element state, for the person viewing. */
function keptKey(container) {
  return `${state.team}:${state.user}:${container}`;
}

/** What is sent with an action besides the element itself: the state of the container's other elements. */
function stateWith(where, key) {
  if (where.viewId) return { values: viewValues(modalElement()?.dataset.viewId === where.viewId ? modalElement() : $('home')) };
  const kept = [...(state.kept.get(key) ?? new Map())].map(([at, value]) => {
    const [blockIndex, elementIndex] = at.split(':').map(Number);
    return { blockIndex, elementIndex, value };
  });
  return { state: kept };
}

async function onButton(click, where, key) {
  const { element, blockIndex, elementIndex, target } = click;
  if (element.confirm) {
    if (!(await confirmDialog(element.confirm))) return;
    // A link button waited for the confirm (render.js held the click back): open its link now.
    if (isSafeUrl(element.url)) followLink(element.url.trim());
  }
  // Otherwise a link button is a link: the browser opens it (a permalink opens here, see openPermalink).
  target.disabled = true;
  target.classList.add('busy');
  try {
    const result = await api('/api/action', { user: state.user, blockIndex, elementIndex, ...where, ...stateWith(where, key) });
    if (!result.ok) {
      target.classList.add('failed');
      toast(`The app did not handle the click (${result.error}). Slack would show a warning on the button.`);
    }
  } catch (err) {
    toast(err.message);
  } finally {
    target.disabled = false;
    target.classList.remove('busy');
  }
}

/**
 * A select, radio buttons or checkboxes changed outside an input block: Slack keeps the choice in the client and
 * sends block_actions at once. A confirm dialog that is declined sends nothing; in a message or the Home tab the next
 * refresh puts the element back as it was (a modal keeps what the person picked).
 */
async function onSelect(change, where, key) {
  const { element, blockIndex, elementIndex, value } = change;
  if (element.confirm && !(await confirmDialog(element.confirm))) {
    scheduleRefresh(0);
    return;
  }
  if (key) {
    if (!state.kept.has(key)) state.kept.set(key, new Map());
    state.kept.get(key).set(`${blockIndex}:${elementIndex}`, value);
  }
  try {
    const result = await api('/api/action', { user: state.user, blockIndex, elementIndex, value, ...where, ...stateWith(where, key) });
    if (!result.ok) toast(`The app did not handle the change (${result.error}). Slack would show a warning next to it.`);
  } catch (err) {
    toast(err.message);
  }
}

function dismiss(ts) {
  state.dismissed.add(ts);
  render();
}

// ---------------------------------------------------------------------------------------------------------------
// Navigation

function openChannel(id) {
  closeMenu();
  state.view = { kind: 'channel', channel: id };
  state.thread = null;
  storage.set(`channel.${state.team}`, id);
  scheduleRefresh(0);
}

async function openApp(tab) {
  closeMenu();
  state.view = { kind: 'app', tab };
  state.thread = null;
  render();
  try {
    const result = await api('/api/home/open', { user: state.user, tab });
    if (!result.ok) toast(`app_home_opened did not reach the app (${result.error})`);
  } catch (err) {
    toast(err.message);
  }
  scheduleRefresh(0);
}

/**
 * A permalink to the stand-in (…/archives/C…/p…[?thread_ts=…]) for a channel the page lists: opens the channel, the
 * thread, or the Messages tab here, as Slack's client does, and says so; anything else is left to the browser.
 */
function openPermalink(href) {
  const match = /\/archives\/([A-Z0-9]+)\/p(\d+)(\d{6})(?:\?thread_ts=([\d.]+))?/.exec(href);
  if (!match || !state.channels.has(match[1])) return false;
  const ts = `${match[2]}.${match[3]}`;
  if (match[4]) openThread(match[1], match[4]);
  else if (state.channels.get(match[1])?.isIm) openApp('messages');
  else {
    openChannel(match[1]);
    state.thread = null;
    setTimeout(() => document.querySelector(`[data-ts="${ts}"]`)?.scrollIntoView({ block: 'center' }), 200);
  }
  return true;
}

/** Follows a link as a click on it would: a permalink here, anything else in a new tab. */
function followLink(url) {
  if (!openPermalink(url)) window.open(url, '_blank', 'noopener,noreferrer');
}

function openThread(channel, ts) {
  state.thread = ts;
  if (state.view.kind !== 'channel' || state.view.channel !== channel) state.view = { kind: 'channel', channel };
  scheduleRefresh(0);
  setTimeout(() => $('thread-input').focus(), 50);
}

/**
 * What of the previous person's view may stay on screen for the next one until their own arrives: the channel's
 * messages and the open thread's, when the new person is in that channel. Never an ephemeral (an interviewer's
 * nudge must not show to the candidate, even for a moment), a modal, a DM or a Home view; null when nothing stays.
 */
function carriedOver(data) {
  const channel = data?.channel;
  if (!channel || state.view.kind !== 'channel' || !visibleChannels().some((c) => c.id === channel.info.id)) return null;
  return {
    ...data,
    modals: [],
    home: null,
    appDm: { channel: `D${state.user}`, messages: [] },
    channel: { ...channel, ephemerals: [] },
    thread: data.thread ? { ...data.thread, ephemerals: [] } : null,
  };
}

async function switchUser(id) {
  closeMenu();
  state.user = id;
  storage.set(`user.${state.team}`, id);
  // The open thread stays open unless the new person cannot see its channel (loadWorkspace closes it
  // then). The modal belonged to the previous person and goes; until the new person's own view arrives, only what
  // they may see of the previous one is drawn.
  state.modalKey = '';
  state.data = carriedOver(state.data);
  // The sidebar waits for the new person's workspace (their channels); what shows messages is redrawn now, or left
  // empty until their own view arrives (a DM or a Home view is nobody else's).
  if (state.data) renderMain();
  else {
    $('message-list').replaceChildren();
    $('home').replaceChildren();
  }
  renderThread();
  renderModal();
  await loadWorkspace();
  await refresh();
}

/** Another workspace: its own people ("Viewing as" remembered per workspace), channels and installation. */
async function switchTeam(id) {
  if (id === state.team) return;
  closeMenu();
  state.team = id;
  storage.set('team', id);
  state.user = '';
  state.thread = null;
  state.modalKey = '';
  state.view = { kind: 'channel', channel: '' };
  state.data = null;
  renderRail();
  try {
    await loadWorkspace();
  } catch (err) {
    toast(`Could not load ${teamName(id)}: ${err.message}`);
    return;
  }
  render();
  await refresh();
  $('composer-input').focus();
}

/** Uninstalls the app here, as a workspace admin would: Slack revokes its tokens and tells the app. */
async function uninstallApp() {
  const name = state.workspace.team.name;
  const team = state.team;
  const confirmed = await confirmDialog({
    title: plain(`Uninstall mockdesign from ${name}?`),
    text: plain(
      `Slack revokes its tokens in ${name} and sends the app tokens_revoked and app_uninstalled; the app deletes the installation and ends the sessions running here. Other workspaces carry on. Add to Slack installs it again.`,
    ),
    confirm: plain('Uninstall'),
    deny: plain('Cancel'),
    style: 'danger',
  });
  if (!confirmed) return;
  try {
    const result = await api('/api/uninstall', { team });
    const sent = result.events.map((e) => (e.delivered ? `${e.type} (answered ${e.status ?? 'ok'})` : `${e.type} (not delivered: ${e.error ?? 'no answer'})`));
    toast(`Uninstalled from ${name}. Slack sent the app ${sent.join(' and ')}.`, result.ok ? 'info' : 'error');
  } catch (err) {
    toast(err.message);
  }
  await reloadWorkspaces();
}

// ---------------------------------------------------------------------------------------------------------------
// Composers

async function send(text, threadTs) {
  const channel = currentChannelId();
  if (!channel) return true;
  const body = { user: state.user, channel, text, ...(threadTs ? { threadTs } : {}) };
  try {
    if (text.trimStart().startsWith('/')) {
      const result = await api('/api/command', { ...body, text: text.trim() });
      if (!result.ok && result.error && !['invalid_command', 'not_supported_in_threads'].includes(result.error)) {
        toast(`The command did not reach the app: ${result.error}`);
      }
    } else {
      await api('/api/message', body);
    }
    return true;
  } catch (err) {
    toast(err.message);
    return false;
  }
}

function wireComposer(form, input, threadTs) {
  const submit = async () => {
    const text = input.value;
    if (text.trim() === '') return;
    input.disabled = true;
    const sent = await send(text, threadTs());
    input.disabled = false;
    if (sent) input.value = '';
    updateCommandHint();
    autosize(input);
    input.focus();
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void submit();
    }
  });
  input.addEventListener('input', () => autosize(input));
}

function autosize(input) {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
}

function updateCommandHint() {
  const hint = $('command-hint');
  const input = $('composer-input');
  const text = input.value;
  const typed = text.startsWith('/') && !/\s/.test(text) ? text.toLowerCase() : null;
  const matches = typed === null ? [] : state.workspace.commands.filter((c) => c.command.startsWith(typed));
  hint.hidden = matches.length === 0;
  const choose = (command) => {
    input.value = `${command} `;
    updateCommandHint();
    input.focus();
  };
  hint.replaceChildren(
    ...matches.map((c) =>
      dom(
        h(
          'button',
          { class: 'command-option', type: 'button', on: { click: () => choose(c.command) } },
          h('span', { class: 'command-name' }, h('strong', {}, c.command), c.usageHint ? h('span', { class: 'command-usage' }, ` ${c.usageHint}`) : null),
          c.description ? h('span', { class: 'command-description' }, c.description) : null,
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Live updates

function connect() {
  const live = $('live');
  const source = new EventSource('/events');
  source.addEventListener('open', () => {
    live.textContent = 'live';
    live.classList.add('on');
    // Installs or uninstalls may have happened while the stream was down.
    void reloadWorkspaces();
  });
  source.addEventListener('error', () => {
    live.textContent = 'reconnecting…';
    live.classList.remove('on');
  });
  source.addEventListener('change', (event) => {
    let change = {};
    try {
      change = JSON.parse(event.data);
    } catch {
      // a malformed event still means something changed
    }
    if (change.kind === 'workspaces') void reloadWorkspaces();
    else if (change.kind === 'event_failed') {
      if (change.team === state.team) toast(`The ${change.type} event did not reach the app (${change.error}): the message is posted, but the app has not seen it.`);
    } else if (change.kind === 'channel') void loadWorkspace().then(() => scheduleRefresh());
    else scheduleRefresh();
  });
}

async function start() {
  await loadWorkspaces();
  await loadWorkspace();
  $('user-select').addEventListener('change', (event) => void switchUser(event.target.value));
  $('thread-close').addEventListener('click', () => {
    state.thread = null;
    scheduleRefresh(0);
  });
  wireComposer($('composer'), $('composer-input'), () => undefined);
  wireComposer($('thread-composer'), $('thread-input'), () => state.thread ?? undefined);
  $('composer-input').addEventListener('input', updateCommandHint);
  // Clicks outside the menu land on its full-page root, which closes it as Slack does.
  $('menu-root').addEventListener('click', closeMenu);
  window.addEventListener('resize', closeMenu);
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !$('confirm-root').hidden) return;
    if (state.menu) {
      closeMenu();
      return;
    }
    const top = state.data?.modals?.at(-1);
    if (top) void closeModal(top.id);
  });
  // Permalinks point at the stand-in (…/archives/C…/p…): open the channel or thread here instead. A link held
  // back (a link button waiting for its confirm) is left alone: the page follows it once confirmed.
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented) return;
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (link && openPermalink(link.getAttribute('href') ?? '')) event.preventDefault();
  });
  setInterval(renderClock, 15_000);
  await refresh();
  connect();
  $('composer-input').focus();
}

start().catch((err) => toast(`The sandbox page could not start: ${err.message}`));
