/** Answers about recurring sessions: scheduled, the channel's list, removed. Times in each reader's own zone. */
import type { Schedule } from '../../app/ports.ts';
import { formatPlan } from '../../domain/plan.ts';
import { describeCron, MAX_SHOWN_EXPRESSION, parseRecurrence } from '../../domain/recurrence.ts';
import { clip } from '../../domain/text.ts';
import type { Session } from '../../domain/session.ts';
import { escapeMrkdwn, mention, slackDate, strong } from '../mrkdwn.ts';
import { context, fallback, section, type SlackMessage } from './message.ts';

function when(schedule: Schedule): string {
  const parsed = parseRecurrence(schedule.expression);
  const words = parsed.ok ? describeCron(parsed.value) : `cron \`${escapeMrkdwn(clip(schedule.expression, MAX_SHOWN_EXPRESSION))}\``;
  return `${words} (${escapeMrkdwn(schedule.tz)})`;
}

const next = (schedule: Schedule) => slackDate(schedule.nextAt, '{date_short_pretty} at {time}');

/** One schedule for the Home tab: its id (to remove it by), when it recurs, where, and when its next session starts. */
export function upcomingLine(schedule: Schedule): string {
  return `🔁 \`${schedule.id}\` ${when(schedule)} in <#${schedule.channelId}>${schedule.isAsync ? ' · study group' : ''}
Next: ${next(schedule)}`;
}

/** Where a schedule's zone came from: `--tz`, the person's Slack profile, or UTC when the profile's could not be read. */
export type ZoneSource = 'given' | 'profile' | 'utc_fallback';

const ZONE_NOTES: Record<ZoneSource, string> = {
  given: '',
  profile: 'The time zone is the one in your Slack profile; `--tz Europe/Berlin` sets another. ',
  utc_fallback:
    'The time zone in your Slack profile could not be read, so this schedule uses UTC. To use your own zone, remove it and schedule it again with `--tz`, e.g. `--tz Europe/Berlin`. ',
};

export function renderScheduled(schedule: Schedule, zone: ZoneSource): SlackMessage {
  const text = `🔁 Scheduled ${when(schedule)}: a session with the next prompt from the bank this channel has not had, plan ${formatPlan(schedule.plan)}${
    schedule.isAsync ? ' (async)' : ''
  }. The first is ${next(schedule)}. Its id is \`${schedule.id}\`.`;
  return {
    text: fallback(text),
    blocks: [
      section(text),
      context(
        `${ZONE_NOTES[zone]}\`/mockdesign schedules\` lists this channel's schedules; \`/mockdesign unschedule ${schedule.id}\` removes this one.`,
      ),
    ],
  };
}

export function renderSchedules(schedules: readonly Schedule[]): SlackMessage {
  if (schedules.length === 0) {
    const text = 'This channel has no recurring sessions. Add one with `/mockdesign schedule "every tue 18:00"`.';
    return { text, blocks: [section(text)] };
  }
  // One section each: ten of the longest together would pass a section's 3,000 characters, and a cut there could
  // break a mention or a date.
  const lines = schedules.map((s) => `• \`${s.id}\` ${when(s)}, plan ${formatPlan(s.plan)}${s.isAsync ? ' (async)' : ''}, by ${mention(s.createdBy)}; next ${next(s)}`);
  return { text: fallback(`${schedules.length} recurring sessions`), blocks: [section('*Recurring sessions in this channel*'), ...lines.map((line) => section(line))] };
}

export function renderUnscheduled(schedule: Schedule): SlackMessage {
  const text = `Removed \`${schedule.id}\`, ${when(schedule)}: it starts no more sessions. Sessions already running carry on.`;
  return { text, blocks: [section(text)] };
}

/** To the person who asked to remove someone else's schedule, when they may not. */
export function renderNotYourSchedule(schedule: Schedule): SlackMessage {
  const text = `Only the person who made \`${schedule.id}\` (${mention(schedule.createdBy)}) or a workspace admin can remove it. Once its creator's account is deactivated, anyone in the channel can.`;
  return { text: fallback(text), blocks: [section(text)] };
}

/** To someone asking to remove another's schedule when Slack did not say in time whether they may. */
export function renderCannotCheckSchedule(schedule: Schedule): SlackMessage {
  const text = `\`${schedule.id}\` was made by ${mention(schedule.createdBy)}, and Slack did not say in time whether you can remove it (a workspace admin can, and anyone once its creator's account is deactivated). Nothing was changed: try again in a moment.`;
  return { text: fallback(text), blocks: [section(text)] };
}

/** To a schedule's creator, privately, when someone else (a workspace admin) removed it. */
export function renderRemovedByOther(schedule: Schedule, removerId: string): SlackMessage {
  const text = `${mention(removerId)} removed your recurring session \`${schedule.id}\` in <#${schedule.channelId}>, ${when(schedule)}: it starts no more sessions. Sessions already running carry on.`;
  return { text: fallback(text), blocks: [section(text)] };
}

/** In the channel, once, when a schedule is removed at its occurrence because its creator's account is deactivated. */
export function renderCreatorGone(schedule: Schedule): SlackMessage {
  const text = `🔁 The recurring session \`${schedule.id}\`, ${when(schedule)}, starts no more sessions: ${mention(schedule.createdBy)}, who set it up, has a deactivated Slack account, so it was removed rather than start a session with nobody to host it. Anyone here can set up a new one with \`/mockdesign schedule\` (\`/mockdesign help\` shows how).`;
  return { text: fallback(text), blocks: [section(text)] };
}

/** To someone scheduling sessions that would run at the same time as another schedule's, in the same channel. */
export function renderScheduleClash(other: Schedule, at: number): SlackMessage {
  const text = `⚠️ That schedule's sessions would run at the same time as those of ${mention(other.createdBy)}'s \`${other.id}\`, ${when(other)}: the two would first meet ${slackDate(at, '{date_short_pretty} at {time}')}, and a channel runs one session at a time. Pick another time; \`/mockdesign schedules\` lists this channel's schedules.`;
  return { text: fallback(text), blocks: [section(text)] };
}

/**
 * To a schedule's creator, privately and once per schedule, when an occurrence did not start because `running`
 * was under way in the channel.
 */
export function renderScheduleSkipped(schedule: Schedule, running: Session, nextAt: number | null): SlackMessage {
  const then = nextAt === null ? '' : ` The next is ${slackDate(nextAt, '{date_short_pretty} at {time}')}.`;
  const text = `🔁 Your recurring session \`${schedule.id}\`, ${when(schedule)}, did not start in <#${schedule.channelId}> ${next(schedule)}: ${strong(clip(running.topic, 150))} was still running there, and a channel runs one session at a time.${then}`;
  return {
    text: fallback(text),
    blocks: [
      section(text),
      context(`Its sessions are skipped like this whenever the channel is busy at their time; I won't say so again. \`/mockdesign unschedule ${schedule.id}\` in <#${schedule.channelId}> removes it.`),
    ],
  };
}
