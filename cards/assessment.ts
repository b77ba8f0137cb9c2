import { buttonRow, callbackButton, Fields, md, submitButton, type Card, type Element } from './forms/common.js';
import { escapeMd, font, inlineMd, oneLine, plainText, truncate } from './format.js';

/**
 * 舆情风险评估 (R17, notice §3.2): the assessment card the assessing unit, the news office and the
 * propaganda dept get, patched on every change, and the registration form of `/yq assess` alone.
 * Pure: view models in, card JSON 2.0 out.
 *
 * Callback values (unit copy only): `{ action: 'assess_ready', assessment, v }`,
 * `{ action: 'assess_request', assessment, v }`, and while awaiting approval a form `assess_review`
 * (field `comment`) with submits `{ action: 'assess_approve', assessment, v }` and
 * `{ action: 'assess_return', assessment, v }`. The registration form `assess` submits
 * `{ action: 'assess_submit' }`.
 */

export type AssessmentCardState = 'draft' | 'awaiting_approval' | 'ready';
export type AssessmentCardRisk = 'low' | 'medium' | 'high';

export interface AssessmentCardView {
  id: number;
  name: string;
  /** 县卫健委 */
  unit: string;
  /** 县卫健委 刘芳（11月27日 10:00 登记） */
  registered: string;
  /** 12月15日（周二） */
  releaseDate: string;
  affectedGroups?: string;
  riskLevel: AssessmentCardRisk;
  state: AssessmentCardState;
  risks?: string;
  plan?: string;
  wording?: string;
  keywords: string[];
  drill: boolean;
  /** What is still to be written before it can be ready (风险点, 应对预案, 口径). */
  missing: string[];
  /** e.g. 已于 11月28日 09:00 由 杨主任 审批通过 / 负责人退回：… */
  note?: string;
  /** e.g. 发布日期前 3 天仍缺应对预案或口径，将提醒本单位. */
  hint?: string;
  /** Items linked after the release. */
  links: { ref: string; title: string; keyword: string; at: string }[];
  /** The assessing unit's copy carries the buttons; the news office and the propaganda dept only read. */
  withActions: boolean;
  version: number;
}

const RISK: Record<AssessmentCardRisk, { label: string; colour: string; template: string }> = {
  low: { label: '低风险', colour: 'green', template: 'green' },
  medium: { label: '中风险', colour: 'orange', template: 'orange' },
  high: { label: '高风险', colour: 'red', template: 'red' },
};
const STATE: Record<AssessmentCardState, string> = { draft: '待完善', awaiting_approval: '待负责人审批', ready: '已就绪' };

const TITLE_MAX = 60;
const TEXT_MAX = 1500;
const LINKS_SHOWN = 10;

function textSection(heading: string, text: string | undefined, id: number): Element[] {
  if (text === undefined || text.trim() === '') return [];
  const cut = truncate(text.trim(), TEXT_MAX);
  const lines = [`**${heading}**`, escapeMd(cut.text)];
  if (cut.truncated) lines.push(font('grey', `内容较长，已截断，完整内容请发送 /yq assess show ${id}`));
  return [md(lines.join('\n'))];
}

export function assessmentCard(view: AssessmentCardView): Card {
  const risk = RISK[view.riskLevel];
  const elements: Element[] = [];
  const short = (text: string, max = 200) => inlineMd(truncate(oneLine(text), max).text);
  const facts = [
    `**评估单位**：${short(view.unit, 60)}`,
    `**登记**：${short(view.registered, 100)}`,
    `**计划发布日期**：${short(view.releaseDate, 40)}`,
    `**风险等级**：${font(risk.colour === 'green' ? 'green' : risk.colour === 'orange' ? 'orange' : 'red', risk.label)}`,
  ];
  if (view.affectedGroups !== undefined && oneLine(view.affectedGroups) !== '') facts.push(`**影响群体**：${short(view.affectedGroups)}`);
  facts.push(`**关键词**：${short(view.keywords.join('、'))}`);
  if (view.drill) facts.push(`**演练**：是（只关联演练舆情）`);
  elements.push(md(facts.join('\n')));
  elements.push(...textSection('风险点', view.risks, view.id));
  elements.push(...textSection('应对预案', view.plan, view.id));
  elements.push(...textSection('口径', view.wording, view.id));
  elements.push({ tag: 'hr' });
  if (view.missing.length > 0) elements.push(md(font('orange', `尚缺：${inlineMd(view.missing.join('、'))}`)));
  if (view.note !== undefined && oneLine(view.note) !== '') elements.push(md(`**进展**：${short(view.note, 400)}`));
  if (view.links.length > 0) {
    const lines = view.links.slice(-LINKS_SHOWN).map((l) => `${inlineMd(l.at)} · ${inlineMd(l.ref)}「${short(l.title, 60)}」（关键词：${short(l.keyword, 20)}）`);
    const earlier = view.links.length - Math.min(view.links.length, LINKS_SHOWN);
    if (earlier > 0) lines.unshift(font('grey', `更早的 ${earlier} 条未显示`));
    elements.push(md([`**发布后关联舆情**（共 ${view.links.length} 条）`, ...lines].join('\n')));
  }
  if (view.hint !== undefined && oneLine(view.hint) !== '') elements.push(md(font('grey', short(view.hint, 300))));
  if (view.withActions) {
    const base = { assessment: view.id, v: view.version };
    if (view.state === 'draft') {
      elements.push(
        buttonRow([
          view.riskLevel === 'high'
            ? callbackButton('提请负责人审批', { ...base, action: 'assess_request' }, 'primary')
            : callbackButton('标记就绪', { ...base, action: 'assess_ready' }, 'primary'),
        ]),
      );
    }
    if (view.state === 'awaiting_approval') {
      const f = new Fields();
      elements.push({
        tag: 'form',
        name: 'assess_review',
        vertical_spacing: '8px',
        elements: [
          ...f.input('comment', '审批意见（退回时必填）', { multiline: true, maxLength: 500, placeholder: '如：应对预案中请补充咨询热线的值守安排' }),
          buttonRow([
            submitButton('assess_approve', '审批通过', { ...base, action: 'assess_approve' }, 'primary'),
            submitButton('assess_return', '退回修改', { ...base, action: 'assess_return' }, 'danger'),
          ]),
        ],
      });
    }
    if (view.state !== 'ready' || view.missing.length > 0) {
      elements.push(md(font('grey', `补充或修改：发送 /yq assess update ${view.id}，下面每行一个“字段: 值”（如“应对预案: …”）`), { text_size: 'notation' }));
    }
  }
  elements.push(md(font('grey', `风险评估 #${view.id} · 卡片版本 ${view.version}`), { text_size: 'notation' }));
  const status = STATE[view.state];
  const title = truncate(oneLine(view.name), TITLE_MAX).text || `风险评估 #${view.id}`;
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: `[舆情风险评估] ${title}` } },
    header: {
      title: plainText(title),
      subtitle: plainText(`舆情风险评估 #${view.id} · ${status}${view.drill ? ' · 演练' : ''}`),
      template: view.drill ? 'grey' : risk.template,
      text_tag_list: [
        { tag: 'text_tag', text: plainText(risk.label), color: risk.colour },
        { tag: 'text_tag', text: plainText(status), color: view.state === 'ready' ? 'green' : view.state === 'awaiting_approval' ? 'orange' : 'neutral' },
      ],
    },
    body: { elements },
  };
}

export interface AssessmentFormView {
  /** The unit it will be filed under, shown so nobody files for the wrong unit. */
  unit: string;
  /** Shown in red at the top (why the previous submission was refused). */
  error?: string;
  defaults?: Partial<Record<(typeof ASSESSMENT_FORM_FIELDS)[number], string>>;
}

export const ASSESSMENT_FORM_NAME = 'assess';
export const ASSESSMENT_FORM_FIELDS = ['name', 'release', 'groups', 'level', 'risks', 'plan', 'wording', 'keywords', 'drill'] as const;

/** `/yq assess` alone: the same fields as the one-message form. Form `assess`, submit `assess_submit`. */
export function assessmentFormCard(view: AssessmentFormView): Card {
  const f = new Fields();
  const d = view.defaults ?? {};
  const fields: Element[] = [
    ...f.input('name', '政策或决策名称', { required: true, maxLength: 100, placeholder: '如：县城区停车收费标准调整', value: d.name }),
    ...f.date('release', '计划发布日期', { required: true, placeholder: '选择日期', value: d.release }),
    ...f.select('level', '风险等级', [
      { value: 'low', label: '低' },
      { value: 'medium', label: '中' },
      { value: 'high', label: '高（须本单位负责人审批）' },
    ], { required: true, value: d.level }),
    ...f.input('keywords', '关键词（发布后两周内登记的舆情含这些词会关联到本评估）', { required: true, maxLength: 400, placeholder: '如：停车收费、停车费', value: d.keywords }),
    ...f.input('groups', '影响群体', { maxLength: 500, placeholder: '如：城区有车居民、沿街商户', value: d.groups }),
    ...f.input('risks', '风险点', { multiline: true, placeholder: '可能引发的误解、争议和风险', value: d.risks }),
    ...f.input('plan', '应对预案', { multiline: true, placeholder: '发布方式、解读安排、咨询渠道、出现负面舆情时的处置', value: d.plan }),
    ...f.input('wording', '口径', { multiline: true, placeholder: '对外统一口径', value: d.wording }),
    ...f.select('drill', '演练', [
      { value: 'no', label: '否' },
      { value: 'yes', label: '是（只关联演练舆情）' },
    ], { value: d.drill ?? 'no' }),
    submitButton('assess_submit', '登记风险评估', { action: 'assess_submit' }),
  ];
  const elements: Element[] = [];
  if (view.error !== undefined && view.error.trim() !== '') elements.push(md(font('red', inlineMd(oneLine(view.error)))));
  elements.push(md(`**评估单位**：${inlineMd(truncate(oneLine(view.unit), 60).text)}\n${font('grey', '风险点、应对预案、口径可以稍后用 /yq assess update 补充；发布日期前仍缺预案或口径会提醒本单位。')}`));
  if (f.notes.length > 0) elements.push(md(f.notes.map((n) => font('orange', escapeMd(n))).join('\n')));
  elements.push({ tag: 'form', name: ASSESSMENT_FORM_NAME, vertical_spacing: '8px', elements: fields });
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: '登记舆情风险评估' } },
    header: { title: plainText('登记舆情风险评估'), subtitle: plainText('重大政策出台前（《通知》三（二））'), template: 'blue' },
    body: { elements },
  };
}
