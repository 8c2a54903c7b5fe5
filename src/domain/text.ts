/** Quoting what a person typed back to them: short, and never cut through a character. */

/** At most `max` UTF-16 units (Slack's count), ending in an ellipsis when cut, never splitting a surrogate pair. */
export function clip(text: string, max = 40): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
