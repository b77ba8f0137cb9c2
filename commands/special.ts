import { z } from 'zod';
import { specialReportCard } from '../cards/special-report.js';
import { CHANNELS, type Channel } from '../src/domain/channels.js';
import { can } from '../src/domain/permissions.js';
import { CATEGORIES, LEVEL_LABELS, SOURCES } from '../src/domain/registration.js';
import type { Level } from '../src/domain/clocks.js';
import { unitsOfItem } from '../src/db/queries/items.js';
import { countyLeadersOverseeing, effectiveRoster, listActiveUnits, openIdsOf } from '../src/db/queries/organisation.js';
import { outcomeLabel } from '../src/domain/verification.js';
import { enqueueOutbox } from '../src/db/queries/outbox.js';
import { draftsOf, latestVerification, publicationsOf } from '../src/db/queries/records.js';
import { answer, saveItemChange } from '../src/workflow/actions/common.js';
import { standingRoles } from '../src/workflow/actor.js';
import { actionContextOf, itemByRef, refArg, viewContextOf } from '../src/workflow/command-actions.js';
import { ensureAllowed } from '../src/workflow/errors.js';
import { itemCardView } from '../src/workflow/item-view.js';
import { formatLocalTime, formatSpread } from '../src/workflow/present.js';
import type { Mention } from '../src/lark/events.js';
import { defineCommand } from './types.js';


export const specialCommand = defineCommand({
  name: 'special',
  aliases: ['专报'],
  summary: '舆情专报：把一条重大舆情整理成专报，私聊报送所选领导（默认分管县领导、宣传部、政府办负责人）',
  usage: ['/yq special <编号> [@领导…]'],
  examples: ['/舆情 专报 YQ-20261127-001', '/yq special YQ-20261127-001 @王副县长'],
  args: z.tuple([z.custom<string>((t) => typeof t === 'string' && refArg.test(t), { error: '这里需要舆情编号，例如 YQ-20261127-001' })]).rest(
    z.custom<{ mention: Mention }>((t) => typeof t === 'object' && t !== null && 'mention' in t, { error: '后面只能 @ 要报送的领导' }),
  ),
  async run(ctx, [itemRef, ...chosen]) {
    ensureAllowed(can(standingRoles(ctx.actor), 'report_county'), 'report_county');
    const item = await itemByRef(ctx, itemRef);
    const view = viewContextOf(ctx);
    const card = await itemCardView(ctx.tx, item, 'observer', view);
    const verification = await latestVerification(ctx.tx, item.id);
    const approved = (await draftsOf(ctx.tx, item.id)).filter((d) => d.decision === 'approved').at(-1);
    const publications = await publicationsOf(ctx.tx, item.id);
    const report = specialReportCard({
      ref: item.ref,
      title: item.title,
      levelLabel: LEVEL_LABELS[item.level as Level],
      categoryLabel: CATEGORIES[item.category as keyof typeof CATEGORIES]?.label ?? item.category,
      sourceLabel: item.source ? SOURCES[item.source as keyof typeof SOURCES]?.label : undefined,
      url: item.url ?? undefined,
      discoveredAt: formatLocalTime(item.discoveredAt, view.tz, ctx.now),
      spread: formatSpread(item.spread),
      leadUnit: card.leadUnit,
      stateLabel: card.stateLabel,
      summary: item.summary ?? undefined,
      propagationPath: item.propagationPath ?? undefined,
      commentSituation: item.commentSituation ?? undefined,
      netizenViews: item.netizenViews ?? undefined,
      verification: verification && { outcomeLabel: outcomeLabel(verification.outcome), findings: verification.findings, measures: verification.measures ?? undefined },
      wording: approved && { version: approved.version, text: approved.text },
      publications: publications.map((p) => `${CHANNELS[p.channel as Channel]?.labelZh ?? p.channel} ${formatLocalTime(p.publishedAt, view.tz, ctx.now)}${p.link ? ` ${p.link}` : ''}`),
      clocks: card.clocks.map(({ label, due, detail }) => ({ label, due, detail })),
      timeline: card.timeline,
      preparedBy: ctx.actor.name,
      preparedAt: formatLocalTime(ctx.now, view.tz, ctx.now),
    });
    let recipients = chosen.map((m) => m.mention.openId);
    if (recipients.length === 0) {
      const { lead } = await unitsOfItem(ctx.tx, item.id);
      const offices = (await listActiveUnits(ctx.tx)).filter((u) => u.role === 'propaganda' || u.role === 'government_office');
      const officeLeaders = (await Promise.all(offices.map(async (u) => (await effectiveRoster(ctx.tx, u.code)).leader))).flat();
      recipients = [...(await countyLeadersOverseeing(ctx.tx, lead)), ...(await openIdsOf(ctx.tx, officeLeaders))];
    }
    recipients = [...new Set(recipients)];
    for (const openId of recipients) {
      await enqueueOutbox(ctx.tx, `special:${item.id}:${ctx.now.getTime()}:${openId}`, { kind: 'send', target: { openId }, message: { msgType: 'interactive', card: report } }, ctx.now);
    }
    const action = actionContextOf(ctx);
    await answer(action, await saveItemChange(action, item, 'item.special_report', {}, { recipients }), '');
    await ctx.reply({ msgType: 'text', text: `${item.ref} 的舆情专报已私聊报送 ${recipients.length} 位领导。` });
  },
});
