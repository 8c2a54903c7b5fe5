/** Block Kit limits our renderers respect. @see https://docs.slack.dev/reference/block-kit/blocks */
export const LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  buttonText: 75,
  modalTitle: 24,
  optionText: 75,
  privateMetadata: 3000,
  /** chat.update refuses longer `text`; postMessage truncates at 40,000. */
  fallbackText: 4000,
  /** Slack's undocumented cumulative cap on text across a message's blocks is about 12,000 characters. */
  messageBlockChars: 11_000,
} as const;
