import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.js';
import { findItemByRef } from '../../src/db/queries/items.js';
import { handleInbound, type InboundDeps } from '../../src/inbound/handle.js';
import { toInboundEvent } from '../../src/lark/events.js';
import { cardsRedrawn } from '../helpers/app.js';
import { useAppHarness } from '../helpers/harness.js';
import { cardActionEvent, messageEvent } from '../helpers/lark-webhook.js';
import { silentLog } from '../helpers/org.js';

const AT = new Date('2026-11-27T02:00:00Z');

/**
 * What a commit tells the outbox sender (InboundDeps.afterCommit): a queued message wakes it at
 * once, a change that queued none (a click, whose older card copies wait in the redraw queue)
 * only nudges it; a duplicate delivery commits nothing new and tells it nothing.
 */
describe('after a commit, the outbox sender is woken or nudged', () => {
  const { db, harness, d } = useAppHarness({ at: AT });

  it('a command that replies: messages; a click: changes; the same click again: nothing', async () => {
    const told: string[] = [];
    const org = harness.app.org.org;
    const deps: InboundDeps = {
      db: db.db,
      clock: harness.clock,
      log: silentLog,
      org: { timezone: org.timezone, policy: org.policy },
      commands: COMMANDS,
      afterCommit: (left) => void told.push(left),
    };
    await handleInbound(deps, toInboundEvent(messageEvent({ text: '/yq whoami', sender: 'ou_health_liaison', chatId: 'oc_p2p_health', chatType: 'p2p' })));
    expect(told).toEqual(['messages']);

    const ref = /YQ-\d{8}-\d{3}/.exec(await d.say('ou_news_staff', '/yq new 医院停车收费乱\n部门: 卫健委', 'oc_news'))![0];
    const item = (await findItemByRef(db.db, ref))!;
    await cardsRedrawn(db.db);
    const click = cardActionEvent('ou_health_liaison', { item: item.id, action: 'acknowledge' });
    click.event.context.open_chat_id = 'oc_health';
    const event = toInboundEvent(click);
    expect((await handleInbound(deps, event)).toast?.type).toBe('success');
    expect(told).toEqual(['messages', 'changes']);

    expect((await handleInbound(deps, event)).toast?.content).toBe('该操作已处理');
    expect(told).toEqual(['messages', 'changes']);
  });
});
