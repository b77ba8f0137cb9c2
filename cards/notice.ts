/** A short titled notice (e.g. to the news office or the admins). Pure. */
export interface NoticeView {
  title: string;
  /** Markdown lines. */
  lines: string[];
  colour?: 'blue' | 'orange' | 'red' | 'green' | 'grey';
}

export function noticeCard(view: NoticeView): Record<string, unknown> {
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: view.title } },
    header: { title: { tag: 'plain_text', content: view.title }, template: view.colour ?? 'blue' },
    body: { elements: [{ tag: 'markdown', content: view.lines.join('\n') }] },
  };
}
