/**
 * The interview method we carry: four phases, their default lengths and what each one should cover.
 * The checklists paraphrase the framework this product is built on; they are shown in every phase message.
 */
export interface PhaseDefinition {
  readonly key: 'requirements' | 'high_level' | 'deep_dive' | 'wrap_up';
  readonly name: string;
  readonly defaultMinutes: number;
  /** One line on what the phase is for. */
  readonly goal: string;
  readonly checklist: readonly string[];
  /** What the group should have at the end of the phase. */
  readonly outcome: string;
}

export const PHASES: readonly PhaseDefinition[] = [
  {
    key: 'requirements',
    name: 'Requirements & scope',
    defaultMinutes: 5,
    goal: 'Understand the problem and agree on what is in and out before designing anything.',
    checklist: [
      'Why are we building this, and who are the users?',
      'Walk through the main use cases, then agree on the top few features',
      'Non-functional requirements with numbers: performance, scalability, availability, consistency, freshness, security',
      'A rough scale estimate (users, requests per second, storage): a sense of size, not precision',
      'Technical constraints and the numbers that matter',
      'Scope: say out loud what is out',
    ],
    outcome: 'A short list of features and the non-functional requirements.',
  },
  {
    key: 'high_level',
    name: 'High-level design',
    defaultMinutes: 20,
    goal: 'Propose the whole picture top-down and get buy-in before going deep.',
    checklist: [
      'APIs first: RESTful unless told otherwise, with inputs and outputs for each',
      'Only APIs the requirements need; check each one against a feature',
      'The diagram: load balancer or API gateway, the services behind it, then storage',
      'Trace every feature end to end through the diagram',
      'Data model and schema, access patterns and the read/write ratio',
      'Choose a database and give the rationale (or park it for the deep dive if it is the crux)',
    ],
    outcome: 'An agreed diagram; database scaling, concurrency and failure cases parked for the deep dive.',
  },
  {
    key: 'deep_dive',
    name: 'Deep dive',
    defaultMinutes: 15,
    goal: 'Find the parts that could break the non-functional requirements and work through them.',
    checklist: [
      'Name the problem areas; explain your choices and ask what worries the interviewer',
      'State the problem clearly, with a number (e.g. 1M QPS is too much for one database)',
      'Come up with at least two solutions',
      'Weigh the trade-offs of each, backed by numbers',
      'Pick one and say why',
      'Repeat for the next two or three problems',
    ],
    outcome: 'The top problems each with options, trade-offs and a decision.',
  },
  {
    key: 'wrap_up',
    name: 'Wrap-up',
    defaultMinutes: 5,
    goal: 'Close the interview crisply.',
    checklist: ['Summarise the design in a few sentences', 'Say what makes this design stand out', 'Keep it short and simple'],
    outcome: 'A short summary and what makes the design unique.',
  },
];

export const PHASE_COUNT = PHASES.length;

/** The reminder that closes every summary. */
export const WRAP_UP_REMINDER =
  'Close with a short summary of the design and what sets it apart. Keep it brief: rationale, trade-offs and decisions, out loud.';

export function phaseAt(index: number): PhaseDefinition {
  const phase = PHASES[index];
  if (!phase) throw new RangeError(`No phase ${index}`);
  return phase;
}
