/** Quoting what a person typed back to them: short, and never cut through a character. */

/** At most `max` UTF-16 units (Slack's count), ending in an ellipsis when cut, never splitting a surrogate pair. */
export function clip(text: string, max = 40): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * Characters that show nothing on screen: whitespace, and the format characters (zero-width spaces and joiners,
 * direction marks, soft hyphens, byte-order marks) plus the blank fillers that pass for letters. A topic or a note
 * made only of them reads as empty everywhere it is shown.
 */
const INVISIBLE_ONLY = /^[\s\p{Cf}\u034F\u115F\u1160\u3164\uFFA0]*$/u;

/** True when the text shows nothing: empty, spaces, or only invisible characters. */
export function isBlank(text: string): boolean {
  return INVISIBLE_ONLY.test(text);
}
