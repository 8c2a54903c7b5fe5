/** The App Home tab: the person's live sessions, and how the interview method works. */
import type { HomeView, KnownBlock } from '@slack/types';
import { formatDuration } from '../../domain/duration.ts';
import { PHASE_COUNT, PHASES } from '../../domain/phases.ts';
import type { Session } from '../../domain/session.ts';
import { currentPhaseIndex, phaseEnd } from '../../domain/timeline.ts';
import { LIMITS } from '../limits.ts';
import { escapeMrkdwn, phaseName, slackWhen } from '../mrkdwn.ts';
import { context, header, section } from './message.ts';

export function renderHome(userId: string, sessions: readonly Session[], now: number): HomeView {
  const blocks: KnownBlock[] = [
    header('mockdesign'),
    section(
      'Run a mock system-design interview in any channel: `/mockdesign start Design a URL shortener`. ' +
        'The phases go up in a thread on time, anyone can take notes, and a summary closes the session.',
    ),
    { type: 'divider' },
    section('*Your live sessions*'),
  ];
  if (sessions.length === 0) blocks.push(context('None right now. Start one in a channel with `/mockdesign start &lt;topic&gt;`.'));
  for (const s of sessions.slice(0, 20)) {
    const topic = escapeMrkdwn(s.topic);
    const title = s.permalink ? `*<${s.permalink}|${topic}>*` : `*${topic}*`;
    const role = s.hostId === userId ? 'you host' : s.interviewers.includes(userId) ? 'you interview' : 'you took part';
    let state: string;
    if (s.status === 'paused') state = '⏸️ paused';
    else {
      const i = currentPhaseIndex(s.phases, now);
      state = `phase ${i + 1} of ${PHASE_COUNT}, *${phaseName(i)}*, until ${slackWhen(phaseEnd(s.phases, i, s.endsAt), now)}`;
    }
    blocks.push(section(`${title} in <#${s.channelId}> · ${role}\n${state}`));
  }
  blocks.push(
    { type: 'divider' },
    section('*The method*'),
    ...PHASES.map((p, i) => section(`*${i + 1}. ${phaseName(i)}* (${formatDuration(p.defaultMinutes * 60_000)} by default)\n${escapeMrkdwn(p.goal)}`)),
    context('Change the lengths with `--plan 10/25/20/5`, or spread a session over days for a study group: `--plan 1d/3d/2d/1d`.'),
  );
  return { type: 'home', blocks: blocks.slice(0, LIMITS.modalBlocks) };
}
