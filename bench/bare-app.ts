/**
 * The yardstick for slash-command latency: a Bolt app that does nothing but ack `/mockdesign`, over the same
 * HTTP receiver, signature check and Node as the real app. Started as its own process by bench/commands.ts.
 * Env: PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN (never checked), SLACK_API_URL; it calls no Web API method.
 */
import { App, LogLevel } from '@slack/bolt';

const port = Number(process.env.PORT ?? 3000);
const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  token: process.env.SLACK_BOT_TOKEN ?? 'xoxb-bare-app-token',
  tokenVerificationEnabled: false,
  // Known up front, as the real app knows them from its start-up auth.test: otherwise Bolt calls auth.test on the
  // first request, and that request waits for it.
  botId: process.env.SLACK_BOT_ID ?? 'B0BOT',
  botUserId: process.env.SLACK_BOT_USER_ID ?? 'U0BOT',
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL ?? 'http://127.0.0.1:9/api/' },
  logLevel: (process.env.BARE_LOG_LEVEL as LogLevel | undefined) ?? LogLevel.ERROR,
  customRoutes: [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      },
    },
  ],
});

app.command('/mockdesign', async ({ ack }) => {
  await ack();
});

await app.start(port);

const stop = async () => {
  await app.stop().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
