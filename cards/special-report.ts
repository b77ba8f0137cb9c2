import { escapeMd, font, inlineMd, plainText, truncate, truncationNote } from './format.js';

/** 舆情专报: one major item written up for the leaders (notice §3.2, R13). Pure. */
export interface SpecialReportView {
  ref: string;
  title: string;
  levelLabel: string;
  categoryLabel: string;
  sourceLabel?: string;
  url?: string;
  discoveredAt: string;
  spread?: string;
  leadUnit?: string;
  stateLabel: string;
  summary?: string;
  propagationPath?: string;
  commentSituation?: string;
  netizenViews?: string;
  verification?: { outcomeLabel: string; findings: string; measures?: string };
  wording?: { version: number; text: string };
  publications: string[];
  clocks: { label: string; due: string; detail: string }[];
  timeline: { at: string; actor: string; text: string }[];
  preparedBy: string;
  preparedAt: string;
}

const TEXT_MAX = 600;

function section(title: string, lines: string[]): Record<string, unknown>[] {
  if (lines.length === 0) return [];
  return [{ tag: 'markdown', content: `**${title}**\n${lines.join('\n')}` }];
}

function long(text: string | undefined, ref: string): string[] {
  if (!text) return [];
  const cut = truncate(text, TEXT_MAX);
  return [escapeMd(cut.text), ...(cut.truncated ? [font('grey', escapeMd(truncationNote(ref)))] : [])];
}

export function specialReportCard(view: SpecialReportView): Record<string, unknown> {
  const facts = [
    `级别：${inlineMd(view.levelLabel)}\u3000类别：${inlineMd(view.categoryLabel)}`,
    `来源：${inlineMd(view.sourceLabel ?? '未注明')}\u3000发现时间：${inlineMd(view.discoveredAt)}`,
    ...(view.spread ? [`传播：${inlineMd(view.spread)}`] : []),
    `牵头单位：${inlineMd(view.leadUnit ?? '待指定')}\u3000当前状态：${inlineMd(view.stateLabel)}`,
    ...(view.url ? [`原文链接：${inlineMd(view.url)}`] : []),
  ];
  const elements: Record<string, unknown>[] = [
    ...section('一、基本情况', [...facts, ...long(view.summary, view.ref)]),
    ...section('二、传播和网民观点', [
      ...(view.propagationPath ? [`传播路径：${inlineMd(truncate(view.propagationPath, 300).text)}`] : []),
      ...(view.commentSituation ? [`跟帖情况：${inlineMd(truncate(view.commentSituation, 300).text)}`] : []),
      ...(view.netizenViews ? [`网民观点：${inlineMd(truncate(view.netizenViews, 300).text)}`] : []),
    ]),
    ...section('三、核实情况', view.verification ? [`结论：${inlineMd(view.verification.outcomeLabel)}`, ...long(view.verification.findings, view.ref), ...(view.verification.measures ? [`措施：${inlineMd(truncate(view.verification.measures, 300).text)}`] : [])] : ['尚未核实']),
    ...section('四、回应口径', view.wording ? [`（第 ${view.wording.version} 版，已审核）`, ...long(view.wording.text, view.ref)] : ['尚无审核通过的回应稿']),
    ...section('五、发布情况', view.publications.length > 0 ? view.publications.map(inlineMd) : ['尚未发布']),
    ...section('六、时限', view.clocks.map((c) => `${inlineMd(c.label)}：${inlineMd(c.due)}\u3000${inlineMd(c.detail)}`)),
    ...section('七、处置经过', view.timeline.slice(-10).map((t) => `${inlineMd(t.at)} ${inlineMd(t.actor)}：${inlineMd(truncate(t.text, 120).text)}`)),
    { tag: 'hr' },
    { tag: 'markdown', content: font('grey', escapeMd(`县新闻办 ${view.preparedBy} 编报于 ${view.preparedAt}`)) },
  ];
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: `舆情专报：${truncate(view.title, 40).text}` } },
    header: {
      title: plainText(`舆情专报｜${truncate(view.title, 40).text}`),
      subtitle: plainText(view.ref),
      template: 'red',
    },
    body: { elements },
  };
}
