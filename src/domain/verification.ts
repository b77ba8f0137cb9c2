/** 核实 outcomes (R5) and their Chinese labels, shared by forms, cards, timelines and reports. */
export const VERIFICATION_OUTCOMES = { true: '属实', partly: '部分属实', false: '不属实' } as const;
export type VerificationOutcome = keyof typeof VERIFICATION_OUTCOMES;

export function outcomeLabel(outcome: string): string {
  return Object.hasOwn(VERIFICATION_OUTCOMES, outcome) ? VERIFICATION_OUTCOMES[outcome as VerificationOutcome] : outcome;
}
