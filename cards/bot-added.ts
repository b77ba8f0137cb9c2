/** Posted when the bot joins a group: how to bind the group to a unit. Pure. */
export interface BotAddedView {
  /** Units not bound to any chat yet, as suggestions. */
  unboundUnits: { code: string; name: string }[];
}

export function botAddedCard(view: BotAddedView): Record<string, unknown> {
  const suggestions = view.unboundUnits.slice(0, 12).map((unit) => `${unit.name}（${unit.code}）`).join('、');
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: '舆情助手已加入本群' } },
    header: { title: { tag: 'plain_text', content: '舆情助手已加入本群' }, template: 'blue' },
    body: {
      elements: [
        {
          tag: 'markdown',
          content: [
            '请县新闻办或系统管理员把本群绑定为某个单位的工作群，交办给该单位的舆情会发到这里：',
            '',
            '**@舆情助手 /舆情 绑定 <单位>**（例如：@舆情助手 /舆情 绑定 卫健委）',
            '',
            suggestions ? `尚未绑定工作群的单位：${suggestions}` : '所有单位都已绑定工作群。',
            '',
            '发送 **@舆情助手 /舆情 帮助** 查看全部命令。',
          ].join('\n'),
        },
      ],
    },
  };
}
