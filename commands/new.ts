import { z } from 'zod';
import { registerFormCard } from '../cards/register-form.js';
import { can } from '../src/domain/permissions.js';
import { CATEGORIES, SOURCES, parseRegistration, registrationTemplateZh, type RegistrationDraft } from '../src/domain/registration.js';
import { listActiveUnits } from '../src/db/queries/organisation.js';
import type { Tx } from '../src/db/client.js';
import { standingRoles } from '../src/workflow/actor.js';
import { ensureAllowed, InputError } from '../src/workflow/errors.js';
import { duplicateMessage, registerItem, type NewItem } from '../src/workflow/register-item.js';
import { registrationConfirmation } from '../src/workflow/registration-reply.js';
import { resolveUnit } from '../src/workflow/units.js';
import { viewContextOf } from '../src/workflow/command-actions.js';
import { defineCommand } from './types.js';

/** Units named in a registration, resolved to codes; every unknown name is reported at once. */
export async function resolveDraftUnits(tx: Tx, names: string[] | undefined): Promise<{ lead?: string; cooperating: string[] }> {
  if (!names || names.length === 0) return { cooperating: [] };
  const problems: string[] = [];
  const codes: string[] = [];
  for (const name of names) {
    try {
      codes.push((await resolveUnit(tx, name)).code);
    } catch (error) {
      problems.push(error instanceof InputError ? error.messageZh : String(error));
    }
  }
  if (problems.length > 0) throw new InputError(`部门：${problems.join('；')}`);
  const [lead, ...cooperating] = [...new Set(codes)];
  return { lead, cooperating };
}

export function newItemFromDraft(draft: RegistrationDraft, units: { lead?: string; cooperating: string[] }): NewItem {
  return {
    title: draft.title,
    summary: draft.summary,
    source: draft.source,
    url: draft.url,
    postedAt: draft.postedAt,
    discoveredAt: draft.discoveredAt,
    spread: draft.spread,
    propagationPath: draft.path,
    commentSituation: draft.comments,
    netizenViews: draft.views,
    category: draft.category,
    level: draft.level,
    kind: draft.kind,
    drill: draft.drill,
    force: draft.force,
    leadUnit: units.lead,
    cooperatingUnits: units.cooperating,
  };
}

export const newCommand = defineCommand({
  name: 'new',
  aliases: ['登记'],
  summary: '登记一条舆情（县新闻办）：只发命令会弹出登记表；也可以一条消息写完',
  usage: ['/yq new', '/yq new <标题>\n字段: 值（每行一个，可选）'],
  examples: ['/舆情 登记', '/舆情 登记 某医院收费不透明引发网友质疑\n来源: 微博\n级别: 重大\n部门: 卫健委'],
  args: z.array(z.unknown()),
  async run(ctx, _tokens, rest) {
    ensureAllowed(can(standingRoles(ctx.actor), 'register'), 'register');
    if (!rest.trim()) {
      const units = (await listActiveUnits(ctx.tx)).filter((unit) => unit.role !== 'news_office').map((unit) => ({ code: unit.code, name: unit.name }));
      await ctx.reply({
        msgType: 'interactive',
        card: registerFormCard({
          units,
          categories: Object.entries(CATEGORIES).map(([code, c]) => ({ code, label: c.label })),
          sources: Object.entries(SOURCES).map(([code, s]) => ({ code, label: s.label })),
        }),
      });
      return;
    }
    const parsed = parseRegistration(rest, { now: ctx.now, tz: ctx.org.timezone });
    if (!parsed.ok) {
      throw new InputError(['登记信息有误：', ...parsed.problems.map((p) => `• ${p.messageZh}`), '', '可以照这个格式填写：', registrationTemplateZh()].join('\n'));
    }
    const units = await resolveDraftUnits(ctx.tx, parsed.draft.units);
    const outcome = await registerItem(ctx.tx, newItemFromDraft(parsed.draft, units), ctx.actor, viewContextOf(ctx));
    if (outcome.kind === 'duplicate') throw new InputError(duplicateMessage(outcome.existing));
    await ctx.reply({ msgType: 'text', text: await registrationConfirmation(ctx.tx, outcome.item, outcome.routing, viewContextOf(ctx)) });
  },
});
