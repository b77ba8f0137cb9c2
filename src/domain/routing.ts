/**
 * Keyword routing (R4, "谁主管谁负责"): pick the lead unit for an item from its text.
 *
 * A keyword counts once per item however often it occurs: a long post repeating one word should
 * not outweigh a post touching several of a unit's concerns. Matching is substring matching after
 * NFKC folding and lower-casing, so full-width ＰＭ２．５ matches PM2.5. A tie at the top, or no hit
 * at all, is a human decision: the news office chooses. An explicit choice always wins.
 */

export interface RoutingUnit {
  code: string;
  keywords: readonly string[];
}

export interface RoutingInput {
  /** Title and summary. */
  text: string;
  units: readonly RoutingUnit[];
  /** Units chosen by the person registering; skips keyword matching. */
  explicit?: { lead: string; cooperating?: readonly string[] };
}

export interface UnitHits {
  code: string;
  hits: number;
  /** The keywords that matched, as configured. */
  matched: string[];
}

export type RoutingResult =
  | { kind: 'explicit'; lead: string; cooperating: string[]; reasonZh: string }
  | { kind: 'keywords'; lead: string; matched: string[]; ranking: UnitHits[]; reasonZh: string }
  | { kind: 'ask_news_office'; reason: 'tie' | 'no_match'; candidates: UnitHits[]; reasonZh: string };

const fold = (text: string) => text.normalize('NFKC').toLowerCase();

function hitsOf(unit: RoutingUnit, text: string): UnitHits {
  const seen = new Set<string>();
  const matched: string[] = [];
  for (const keyword of unit.keywords) {
    const folded = fold(keyword).trim();
    if (folded === '' || seen.has(folded)) continue;
    seen.add(folded);
    if (text.includes(folded)) matched.push(keyword.trim());
  }
  return { code: unit.code, hits: matched.length, matched };
}

export function routeItem(input: RoutingInput): RoutingResult {
  if (input.explicit) {
    const { lead } = input.explicit;
    const cooperating = [...new Set(input.explicit.cooperating ?? [])].filter((code) => code !== lead);
    return { kind: 'explicit', lead, cooperating, reasonZh: '由登记人指定' };
  }
  const text = fold(input.text);
  // Array.prototype.sort is stable: equal counts keep the units' configured order.
  const ranking = input.units
    .map((unit) => hitsOf(unit, text))
    .filter((unit) => unit.hits > 0)
    .sort((a, b) => b.hits - a.hits);
  const [top] = ranking;
  if (!top) {
    return {
      kind: 'ask_news_office',
      reason: 'no_match',
      candidates: [],
      reasonZh: '没有命中任何单位的关键词，请县新闻办指定牵头单位',
    };
  }
  const tied = ranking.filter((unit) => unit.hits === top.hits);
  if (tied.length > 1) {
    return {
      kind: 'ask_news_office',
      reason: 'tie',
      candidates: tied,
      reasonZh: `${tied.length} 个单位关键词命中数相同（各 ${top.hits} 个），请县新闻办指定牵头单位`,
    };
  }
  return {
    kind: 'keywords',
    lead: top.code,
    matched: top.matched,
    ranking,
    reasonZh: `关键词命中 ${top.hits} 个：${top.matched.join('、')}`,
  };
}
