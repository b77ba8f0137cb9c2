import { describe, expect, it } from 'vitest';
import {
  availableEvents,
  ITEM_EVENTS,
  ITEM_STATES,
  STATE_LABELS_ZH,
  transition,
  type ItemEvent,
  type ItemState,
} from '../../src/domain/lifecycle.js';

const ABBR: Record<string, ItemState> = {
  reg: 'registered',
  dis: 'dispatched',
  ack: 'acknowledged',
  ver: 'verified',
  dra: 'drafting',
  rev: 'in_review',
  app: 'approved',
  res: 'responded',
  wat: 'watching',
  clo: 'closed',
  reo: 'reopened',
};

/**
 * Every (event × state) pair, written by hand from DESIGN.md §2 and the decisions in lifecycle.ts.
 * A cell is the target state, `·` for invalid_transition, `NA` for draft_not_approved.
 * Guard context: no pending confirmations, no override.
 */
const MATRIX = `
event          reg  dis  ack  ver  dra  rev  app  res  wat  clo  reo
dispatch       dis  ·    ·    ·    ·    ·    ·    ·    ·    ·    dis
reassign       ·    dis  dis  dis  dis  dis  dis  ·    ·    ·    ·
acknowledge    ·    ack  ·    ·    ·    ·    ·    ·    ·    ·    ·
verify         ·    ·    ver  ·    ·    ·    ·    ·    ·    ·    ·
start_draft    ·    ·    ·    dra  ·    ·    dra  ·    ·    ·    ·
submit_draft   ·    ·    ·    rev  rev  ·    ·    ·    ·    ·    ·
return_draft   ·    ·    ·    ·    ·    dra  ·    ·    ·    ·    ·
approve        ·    ·    ·    ·    ·    app  ·    ·    ·    ·    ·
publish        ·    NA   NA   NA   NA   NA   res  res  wat  ·    ·
start_watch    ·    ·    ·    ·    ·    ·    ·    wat  ·    ·    ·
finish_watch   ·    ·    ·    ·    ·    ·    ·    ·    clo  ·    ·
close          clo  clo  clo  clo  clo  clo  clo  clo  clo  ·    clo
reopen         ·    ·    ·    ·    ·    ·    ·    ·    reo  reo  ·
recur          ·    ·    ·    ·    ·    ·    ·    ·    reo  reo  ·
`;

function parseMatrix(text: string): Array<[ItemEvent, ItemState, string]> {
  const [header, ...rows] = text.trim().split('\n').map((line) => line.trim().split(/\s+/));
  const columns = header!.slice(1).map((abbr) => ABBR[abbr]!);
  return rows.flatMap(([event, ...cells]) =>
    cells.map((cell, i): [ItemEvent, ItemState, string] => [event as ItemEvent, columns[i]!, cell]),
  );
}

const cells = parseMatrix(MATRIX);

describe('transition matrix', () => {
  it('covers every state × event pair exactly once', () => {
    expect(cells).toHaveLength(ITEM_STATES.length * ITEM_EVENTS.length);
    const seen = new Set(cells.map(([event, state]) => `${event}/${state}`));
    for (const event of ITEM_EVENTS) for (const state of ITEM_STATES) expect(seen.has(`${event}/${state}`)).toBe(true);
  });

  it.each(cells)('%s from %s → %s', (event, state, cell) => {
    const result = transition(state, event, { pendingConfirmations: 0, override: false });
    if (cell === '·') expect(result).toMatchObject({ ok: false, code: 'invalid_transition' });
    else if (cell === 'NA') expect(result).toMatchObject({ ok: false, code: 'draft_not_approved' });
    else expect(result).toEqual({ ok: true, to: ABBR[cell] });
    if (!result.ok) expect(result.messageZh).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('publish guards', () => {
  it.each([
    // state, pending confirmations, override, expected target or refusal code
    ['approved', 0, false, 'responded'],
    ['approved', 2, false, 'confirmations_pending'],
    ['approved', 2, true, 'responded'],
    ['responded', 1, false, 'confirmations_pending'],
    ['responded', 0, false, 'responded'],
    ['watching', 1, true, 'watching'],
    ['dispatched', 0, true, 'responded'],
    ['drafting', 0, true, 'responded'],
    ['in_review', 3, false, 'draft_not_approved'],
    ['in_review', 3, true, 'responded'],
    ['registered', 0, true, 'invalid_transition'],
    ['reopened', 0, true, 'invalid_transition'],
    ['closed', 0, true, 'invalid_transition'],
  ] as const)('publish from %s with %i pending, override %s → %s', (state, pending, override, expected) => {
    const result = transition(state, 'publish', { pendingConfirmations: pending, override });
    if (result.ok) expect(result.to).toBe(expected);
    else expect(result.code).toBe(expected);
  });

  it('treats a missing guard context as no confirmations pending and no override', () => {
    expect(transition('approved', 'publish')).toEqual({ ok: true, to: 'responded' });
    expect(transition('verified', 'publish')).toMatchObject({ ok: false, code: 'draft_not_approved' });
  });

  it('says how many confirmations are missing', () => {
    const result = transition('approved', 'publish', { pendingConfirmations: 2 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.messageZh).toContain('2 个配合单位');
  });
});

describe('refusal messages', () => {
  it('names the current state and the states that allow the event', () => {
    const result = transition('drafting', 'approve');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.messageZh).toContain('起草中');
      expect(result.messageZh).toContain('待审核');
      expect(result.messageZh).toContain('审核通过');
    }
  });
});

describe('labels and available events', () => {
  it.each([
    ['registered', '已登记'],
    ['dispatched', '已交办'],
    ['acknowledged', '已认领'],
    ['verified', '已核实'],
    ['drafting', '起草中'],
    ['in_review', '待审核'],
    ['approved', '已审核'],
    ['responded', '已回应'],
    ['watching', '跟踪中'],
    ['closed', '已办结'],
    ['reopened', '已重新打开'],
  ] as const)('%s is labelled %s', (state, label) => {
    expect(STATE_LABELS_ZH[state]).toBe(label);
  });

  it.each([
    ['in_review', false, ['reassign', 'return_draft', 'approve', 'close']],
    ['in_review', true, ['reassign', 'return_draft', 'approve', 'publish', 'close']],
    ['watching', false, ['publish', 'finish_watch', 'close', 'reopen', 'recur']],
    ['closed', false, ['reopen', 'recur']],
  ] as const)('%s (override %s) offers %j', (state, override, events) => {
    expect(availableEvents(state, { override })).toEqual(events);
  });
});
