import { describe, expect, it } from 'vitest';
import { PHASES } from '../../../src/domain/phases.ts';
import { findPrompt, PROMPT_LIMITS, PROMPTS, pickRandomPrompt, type Prompt } from '../../../src/domain/prompts.ts';

/** Characters Slack's mrkdwn reads as markup: the bank must be safe to show without escaping. */
const MARKUP = /[<>&*_~`]/;

function allText(prompt: Prompt): string[] {
  return [prompt.title, prompt.brief, prompt.scale, ...Object.values(prompt.phases).flatMap((g) => [...g.strong, ...g.probes])];
}

describe('PROMPTS', () => {
  it('holds at least 25 prompts with unique kebab-case ids and unique titles', () => {
    expect(PROMPTS.length).toBeGreaterThanOrEqual(25);
    const ids = PROMPTS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    const titles = PROMPTS.map((p) => p.title.toLowerCase());
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('covers the classic problems', () => {
    for (const id of ['url-shortener', 'news-feed', 'chat', 'rate-limiter', 'web-crawler', 'payment-system', 'unique-id-generator']) {
      expect(findPrompt(id)?.id).toBe(id);
    }
  });

  it.each(PROMPTS.map((p) => [p.id, p] as const))('%s has a brief, a scale with numbers and guidance for every phase', (_id, prompt) => {
    expect(prompt.title.length).toBeGreaterThan(0);
    expect(prompt.title.length).toBeLessThanOrEqual(PROMPT_LIMITS.title);
    expect(prompt.brief.length).toBeGreaterThan(20);
    expect(prompt.brief.length).toBeLessThanOrEqual(PROMPT_LIMITS.brief);
    expect(prompt.scale.length).toBeLessThanOrEqual(PROMPT_LIMITS.scale);
    expect(prompt.scale).toMatch(/\d/);
    expect(Object.keys(prompt.phases).sort()).toEqual(PHASES.map((p) => p.key).sort());
    for (const phase of PHASES) {
      const guide = prompt.phases[phase.key];
      expect(guide.strong.length, `${phase.key} strong`).toBeGreaterThanOrEqual(2);
      expect(guide.strong.length, `${phase.key} strong`).toBeLessThanOrEqual(5);
      expect(guide.probes.length, `${phase.key} probes`).toBeGreaterThanOrEqual(2);
      expect(guide.probes.length, `${phase.key} probes`).toBeLessThanOrEqual(4);
      const items = [...guide.strong, ...guide.probes];
      expect(new Set(items).size).toBe(items.length);
      for (const item of items) {
        expect(item.trim()).toBe(item);
        expect(item.length).toBeGreaterThan(5);
        expect(item.length, item).toBeLessThanOrEqual(PROMPT_LIMITS.item);
      }
    }
  });

  it('contains no mrkdwn markup, so renderers can show it as it is', () => {
    for (const prompt of PROMPTS) {
      for (const text of allText(prompt)) expect(text, `${prompt.id}: ${text}`).not.toMatch(MARKUP);
    }
  });
});

describe('findPrompt', () => {
  it('finds a prompt by id or by title, in any case', () => {
    expect(findPrompt('url-shortener')?.id).toBe('url-shortener');
    expect(findPrompt('URL shortener')?.id).toBe('url-shortener');
    expect(findPrompt('  url SHORTENER ')?.id).toBe('url-shortener');
    expect(findPrompt('Distributed job scheduler')?.id).toBe('job-scheduler');
  });

  it('finds a prompt typed as a session topic, with "Design a" in front', () => {
    expect(findPrompt('Design a URL shortener')?.id).toBe('url-shortener');
    expect(findPrompt('design an email service')?.id).toBe('email-service');
    expect(findPrompt('Design the news feed')?.id).toBe('news-feed');
  });

  it('finds a prompt with a generic word after its name, as people name systems', () => {
    expect(findPrompt('Design a hotel reservation system')?.id).toBe('hotel-reservation');
    expect(findPrompt('Design a photo sharing app')?.id).toBe('photo-sharing');
    expect(findPrompt('Design a chat app')?.id).toBe('chat');
    expect(findPrompt('Design a rate limiter service')?.id).toBe('rate-limiter');
    expect(findPrompt('Design a web crawler platform')?.id).toBe('web-crawler');
    // The generic word alone, or after something that is no prompt, names nothing.
    expect(findPrompt('Design a system')).toBeUndefined();
    expect(findPrompt('Design a toaster app')).toBeUndefined();
  });

  it('finds every prompt by its own id and title, with no two prompts answering to the same words', () => {
    for (const prompt of PROMPTS) {
      expect(findPrompt(prompt.id)).toBe(prompt);
      expect(findPrompt(prompt.title)).toBe(prompt);
    }
  });

  it('answers undefined for anything else', () => {
    expect(findPrompt('')).toBeUndefined();
    expect(findPrompt('   ')).toBeUndefined();
    expect(findPrompt('Design a')).toBeUndefined();
    expect(findPrompt('Design a toaster')).toBeUndefined();
    expect(findPrompt('url')).toBeUndefined();
  });
});

describe('pickRandomPrompt', () => {
  const ids = PROMPTS.map((p) => p.id);

  it('picks with the injected random number, over the prompts in bank order', () => {
    expect(pickRandomPrompt([], () => 0)).toBe(PROMPTS[0]);
    expect(pickRandomPrompt([], () => 0.999_999)).toBe(PROMPTS[PROMPTS.length - 1]);
    expect(pickRandomPrompt([], () => 0.5)).toBe(PROMPTS[Math.floor(PROMPTS.length / 2)]);
    expect(pickRandomPrompt([], () => 0.5)).toBe(pickRandomPrompt([], () => 0.5));
  });

  it('never picks a prompt the channel already had while others remain', () => {
    const used = ids.slice(0, -2);
    const left = ids.slice(-2);
    for (const r of [0, 0.25, 0.5, 0.75, 0.999]) expect(left).toContain(pickRandomPrompt(used, () => r).id);
    expect(pickRandomPrompt(used, () => 0).id).toBe(left[0]);
    expect(pickRandomPrompt(used, () => 0.9).id).toBe(left[1]);
  });

  it('stays in range when the generator returns 1, a negative number or NaN', () => {
    expect(pickRandomPrompt([], () => 1)).toBe(PROMPTS[PROMPTS.length - 1]);
    expect(pickRandomPrompt([], () => -0.5)).toBe(PROMPTS[0]);
    expect(pickRandomPrompt([], () => Number.NaN)).toBe(PROMPTS[0]);
  });

  it('ignores used ids that are not in the bank', () => {
    const used = ['retired-prompt', ...ids.slice(1)];
    expect(pickRandomPrompt(used, () => 0.7)).toBe(PROMPTS[0]);
  });

  it('starts over with the least recently used prompt once every prompt has been used', () => {
    expect(pickRandomPrompt(ids, () => 0.7)).toBe(PROMPTS[0]);
    expect(pickRandomPrompt([...ids].reverse(), () => 0.7)).toBe(PROMPTS[PROMPTS.length - 1]);
    // The first prompt was used again lately, so the second is now the oldest.
    expect(pickRandomPrompt([...ids, ids[0] ?? ''], () => 0.7)).toBe(PROMPTS[1]);
  });

  it('goes through the whole bank once, then again in the same order', () => {
    const used: string[] = [];
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < PROMPTS.length; i++) used.push(pickRandomPrompt(used, random).id);
    expect(new Set(used).size).toBe(PROMPTS.length);
    const firstRound = [...used];
    for (let i = 0; i < PROMPTS.length; i++) used.push(pickRandomPrompt(used, random).id);
    expect(used.slice(PROMPTS.length)).toEqual(firstRound);
  });
});
