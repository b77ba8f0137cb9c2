import { registerFormCard, REGISTER_SUBMIT_NAME, type RegisterFormView } from './register-form.js';
import { Fields, submitButton, type Card, type Element } from './forms/common.js';
import { escapeMd, font, inlineMd, oneLine, plainText, safeLinkUrl, truncate } from './format.js';

/**
 * 线索 (R17): the lead card the news office gets for every lead a unit reports (`/yq tip`) or a
 * monitoring system pushes, the small 不予登记 form, and the registration form pre-filled from a
 * lead. Pure: view models in, card JSON 2.0 out.
 *
 * Callback values: `{ action: 'lead_register', lead, v }` (posts the pre-filled registration form),
 * `{ action: 'lead_reject', lead, v }` (posts the reason form), `{ action: 'lead_reject_submit', lead }`
 * (form `lead_reject`, field `reason`), and the registration form's `{ action: 'register_submit', lead }`.
 */
export type LeadStatus = 'open' | 'registered' | 'rejected' | 'merged';

export interface LeadCardView {
  id: number;
  title: string;
  /** `tip`: a unit's liaison or leader; `intake`: a monitoring system. */
  channel: 'tip' | 'intake';
  /** 县卫健委 刘芳 / 监测系统 yuqing-monitor */
  reporter: string;
  /** Formatted local time, e.g. 11月27日 10:00. */
  reportedAt: string;
  url?: string;
  /** Short facts in order (来源, 类别, 级别, 建议牵头单位, 原帖时间, 传播, 倾向, 关键词 …); blank ones are left out. */
  facts: [string, string | undefined][];
  summary?: string;
  /** Monitoring pushes of the same article (shown when more than one). */
  pushes: number;
  lastPushedAt?: string;
  status: LeadStatus;
  /** What happened to it, e.g. 已登记为 YQ-20261127-001（林小梅，11月27日 10:30）. */
  outcome?: string;
  /** e.g. 2小时内无人处理将提醒县新闻办负责人 / 已于 12:00 提醒县新闻办负责人. */
  note?: string;
  version: number;
}

const STATUS: Record<LeadStatus, { label: string; colour: string; template: string }> = {
  open: { label: '待处理', colour: 'orange', template: 'wathet' },
  registered: { label: '已登记', colour: 'green', template: 'green' },
  rejected: { label: '不予登记', colour: 'neutral', template: 'grey' },
  merged: { label: '已并入舆情', colour: 'neutral', template: 'grey' },
};

const TITLE_MAX = 60;
const SUMMARY_MAX = 600;
const FACT_MAX = 200;

function md(content: string, extra: Element = {}): Element {
  return { tag: 'markdown', content, ...extra };
}

function button(text: string, value: Record<string, unknown>, type: 'primary_filled' | 'default'): Element {
  return { tag: 'button', text: plainText(text), type, size: 'medium', behaviors: [{ type: 'callback', value }] };
}

export function leadCard(view: LeadCardView): Card {
  const status = STATUS[view.status];
  const elements: Element[] = [];
  const lines: string[] = [`**报送**：${inlineMd(truncate(oneLine(view.reporter), 60).text)}（${inlineMd(view.reportedAt)}）`];
  if (view.url !== undefined && oneLine(view.url) !== '') {
    const safe = safeLinkUrl(view.url);
    lines.push(`**原文**：${safe === undefined ? inlineMd(truncate(oneLine(view.url), FACT_MAX).text) : `[查看原文](${safe})`}`);
  }
  for (const [label, value] of view.facts) {
    if (value === undefined || oneLine(value) === '') continue;
    lines.push(`**${inlineMd(label)}**：${inlineMd(truncate(oneLine(value), FACT_MAX).text)}`);
  }
  if (view.pushes > 1) {
    lines.push(`**推送**：监测系统已推送 ${view.pushes} 次${view.lastPushedAt ? `，最近一次 ${inlineMd(view.lastPushedAt)}` : ''}`);
  }
  elements.push(md(lines.join('\n')));
  if (view.summary !== undefined && view.summary.trim() !== '') {
    const cut = truncate(view.summary.trim(), SUMMARY_MAX);
    elements.push(md(`**摘要**\n${escapeMd(cut.text)}${cut.truncated ? `\n${font('grey', '摘要较长，已截断；登记时表单里是全文。')}` : ''}`));
  }
  elements.push({ tag: 'hr' });
  if (view.outcome !== undefined && oneLine(view.outcome) !== '') elements.push(md(`**处理结果**：${inlineMd(truncate(oneLine(view.outcome), 400).text)}`));
  if (view.note !== undefined && oneLine(view.note) !== '') elements.push(md(font('grey', inlineMd(truncate(oneLine(view.note), FACT_MAX).text))));
  if (view.status === 'open') {
    const base = { lead: view.id, v: view.version };
    elements.push({
      tag: 'column_set',
      flex_mode: 'flow',
      horizontal_spacing: 'small',
      columns: [
        { tag: 'column', width: 'auto', elements: [button('登记为舆情', { ...base, action: 'lead_register' }, 'primary_filled')] },
        { tag: 'column', width: 'auto', elements: [button('不予登记', { ...base, action: 'lead_reject' }, 'default')] },
      ],
    });
  }
  elements.push(md(font('grey', `线索 #${view.id} · 卡片版本 ${view.version}`), { text_size: 'notation' }));
  const heading = view.channel === 'intake' ? '监测预警线索' : '舆情线索';
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: `[${heading}] ${truncate(oneLine(view.title), TITLE_MAX).text}` } },
    header: {
      title: plainText(truncate(oneLine(view.title), TITLE_MAX).text || `线索 #${view.id}`),
      subtitle: plainText(`${heading} #${view.id} · ${status.label}`),
      template: status.template,
      text_tag_list: [{ tag: 'text_tag', text: plainText(status.label), color: status.colour }],
    },
    body: { elements },
  };
}

export interface LeadRejectFormView {
  leadId: number;
  title: string;
  reporter: string;
  error?: string;
}

/** 不予登记: the reason goes back to the reporter in private. Form `lead_reject`, field `reason`. */
export function leadRejectFormCard(view: LeadRejectFormView): Card {
  const f = new Fields();
  const elements: Element[] = [];
  if (view.error !== undefined && view.error.trim() !== '') elements.push(md(font('red', inlineMd(view.error))));
  elements.push(md(`**线索 #${view.leadId}**\u3000${inlineMd(truncate(oneLine(view.title), 100).text)}\n${font('grey', `报送：${inlineMd(truncate(oneLine(view.reporter), 60).text)}；理由会私信告知报送人。`)}`));
  elements.push({
    tag: 'form',
    name: 'lead_reject',
    vertical_spacing: '8px',
    elements: [
      ...f.input('reason', '不予登记的理由', { required: true, multiline: true, maxLength: 500, placeholder: '如：不属于本县管辖；已核实为正常诉求，转有关部门办理' }),
      submitButton('lead_reject_submit', '不予登记', { action: 'lead_reject_submit', lead: view.leadId }, 'danger'),
    ],
  });
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: `不予登记 · 线索 #${view.leadId}` } },
    header: { title: plainText(`不予登记 · 线索 #${view.leadId}`), template: 'grey' },
    body: { elements },
  };
}

/** Sets `value` on every button named `name` (deep), returning a copy. */
function withButtonValue(node: unknown, name: string, value: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((child) => withButtonValue(child, name, value));
  if (!node || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(obj)) copy[key] = withButtonValue(child, name, value);
  if (obj.tag === 'button' && obj.name === name) copy.behaviors = [{ type: 'callback', value }];
  return copy;
}

/**
 * The registration form pre-filled from a lead (`view.defaults`), whose submit carries the lead's
 * id, so the item records where it came from.
 */
export function leadRegisterFormCard(view: RegisterFormView, lead: { id: number; reporter: string }): Card {
  const card = withButtonValue(registerFormCard(view), REGISTER_SUBMIT_NAME, { action: REGISTER_SUBMIT_NAME, lead: lead.id }) as Card;
  const header = card.header as Record<string, unknown>;
  header.subtitle = plainText(truncate(`线索 #${lead.id} · ${oneLine(lead.reporter)} 报送；请核对后登记`, 80).text);
  return card;
}
