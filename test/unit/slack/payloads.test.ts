import { describe, expect, it } from 'vitest';
import { describePayload } from '../../../src/slack/payloads.ts';

describe('describePayload', () => {
  it('names a button click, where it was and who clicked, and nothing from the message or the response URL', () => {
    const described = describePayload({
      type: 'block_actions',
      team: { id: 'T0TEAM' },
      user: { id: 'U0ALICE', name: 'alice' },
      channel: { id: 'C0GENERAL', name: 'general' },
      actions: [{ action_id: 'mockdesign_next_phase', value: 'secret words' }],
      response_url: 'https://hooks.slack.com/actions/T0TEAM/1/abc',
      token: 'verification-token',
      message: { text: 'Design <!channel> a URL shortener' },
    });
    expect(described).toMatchObject({ payload: 'block_actions', action: 'mockdesign_next_phase', team: 'T0TEAM', channel: 'C0GENERAL', user: 'U0ALICE' });
    expect(JSON.stringify(described)).not.toMatch(/hooks|verification|secret|shortener/);
  });

  it('names a form by its callback id and an event by its type', () => {
    expect(describePayload({ type: 'view_submission', team: { id: 'T0TEAM' }, user: { id: 'U0BOB' }, view: { callback_id: 'mockdesign_note', state: {} } })).toMatchObject({
      payload: 'view_submission',
      form: 'mockdesign_note',
      user: 'U0BOB',
    });
    expect(describePayload({ type: 'event_callback', team_id: 'T0TEAM', event: { type: 'app_home_opened', user: 'U0BOB', channel: 'D0BOB' } })).toMatchObject({
      payload: 'event_callback',
      event: 'app_home_opened',
      team: 'T0TEAM',
      channel: 'D0BOB',
      user: 'U0BOB',
    });
  });

  it('leaves out what is not a short string, and reads a payload that is not an object as nothing', () => {
    expect(describePayload({ type: 'x'.repeat(300), team_id: 42, channel_id: { id: 'C0X' } })).toEqual(
      expect.objectContaining({ payload: undefined, team: undefined, channel: undefined }),
    );
    expect(Object.values(describePayload(undefined)).every((v) => v === undefined)).toBe(true);
    expect(Object.values(describePayload('text')).every((v) => v === undefined)).toBe(true);
  });
});
