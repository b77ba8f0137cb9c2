import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../commands/index.js';
import { usageText } from '../../commands/help.js';
import { effectiveChatId, effectiveRoster } from '../../src/db/queries/organisation.js';
import { auditLog, securityEvents } from '../../src/db/schema/index.js';
import { toInboundEvent } from '../../src/lark/events.js';
import { chatEvent, messageEvent } from '../helpers/lark-webhook.js';
import { eventually } from '../helpers/app.js';
import { rowCount } from '../helpers/db.js';
import { useAppHarness } from '../helpers/harness.js';

const AT = new Date('2026-11-27T02:00:00Z');

describe('text commands, through the app entry point and the outbox', () => {
  const { db, lark, harness } = useAppHarness({ at: AT });
  let n = 0;

  /** Sends a message as `sender` and returns the text of the bot's reply. */
  async function say(sender: string, text: string, options: { chatId?: string; chatType?: 'p2p' | 'group'; mentions?: { key: string; openId: string; name: string }[] } = {}) {
    n += 1;
    const messageId = `om_cmd_${n}`;
    await harness.app.handle(toInboundEvent(messageEvent({ text, sender, messageId, chatId: options.chatId ?? 'oc_somegroup', chatType: options.chatType, mentions: options.mentions })));
    const reply = await eventually(() => {
      const found = lark.messages.find((m) => m.replyTo === messageId);
      if (!found) throw new Error(`no reply to ${text}`);
      return found;
    });
    return (reply.content as { text: string }).text;
  }

  const securityCount = () => rowCount(db.db, securityEvents);

  it('help lists every command with its usage and Chinese aliases; help <cmd> shows that command', async () => {
    const list = await say('ou_health_liaison', '/舆情 帮助', { chatType: 'p2p', chatId: 'oc_p2p' });
    for (const command of COMMANDS) {
      expect(list).toContain(`• ${command.usage[0]}（${command.aliases.join('、')}）— ${command.summary}`);
    }
    for (const command of COMMANDS) {
      expect(await say('ou_health_liaison', `/yq help ${command.aliases[0]}`, { chatType: 'p2p', chatId: 'oc_p2p' })).toBe(usageText(command));
    }
  });

  it('works with or without the prefix, and strips the @mention of the bot', async () => {
    expect(await say('ou_news_staff', 'whoami')).toContain('您是 林小梅（ou_news_staff）');
    expect(await say('ou_news_staff', '/舆情 我是谁')).toContain('单位：县新闻办（网信办）工作人员');
  });

  it('an unknown command says so and repeats what was typed', async () => {
    expect(await say('ou_news_staff', '/yq fly 到月球')).toBe('没有“fly”这个命令。发送“/舆情 帮助”查看全部命令。\n您发送的是：@舆情助手 /yq fly 到月球');
  });

  it('bad arguments get what was wrong, the usage, and the echo', async () => {
    const reply = await say('ou_news_staff', '/yq liaison add 卫健委 刘芳');
    expect(reply).toContain('命令的参数不对：\n• 第 3 个参数：这里需要 @联络人');
    expect(reply).toContain(usageText(COMMANDS.find((c) => c.name === 'liaison')!));
    expect(reply).toContain('您发送的是：@舆情助手 /yq liaison add 卫健委 刘芳');
  });

  it('whoami tells an unknown person how to get added', async () => {
    expect(await say('ou_stranger', '/yq whoami', { chatType: 'p2p', chatId: 'oc_p2p_s' })).toMatch(/^机器人的组织名单里没有您（open_id：ou_stranger）/);
  });

  it('bind: the news office binds a group; a liaison is refused, nothing changes, a security event is logged', async () => {
    const before = await securityCount();
    const refused = await say('ou_edu_liaison', '/舆情 绑定 教育局', { chatId: 'oc_edu_group' });
    expect(refused).toMatch(/^无法执行：只有县新闻办、系统管理员可以绑定群聊。/);
    expect(await effectiveChatId(db.db, 'education')).toBeNull();
    expect(await securityCount()).toBe(before + 1);
    const [event] = await db.db.select().from(securityEvents).orderBy(sql`id desc`).limit(1);
    expect(event).toMatchObject({ kind: 'refused_action', actor: 'ou_edu_liaison', action: 'bind_chat', reason: 'role_not_allowed' });

    expect(await say('ou_news_staff', '/舆情 绑定 教育局', { chatId: 'oc_edu_group' })).toBe('已将本群绑定为县教育局的工作群。今后交办给县教育局的舆情会发到这里。');
    expect(await effectiveChatId(db.db, 'education')).toBe('oc_edu_group');
    const trail = await db.db.select().from(auditLog).where(and(eq(auditLog.action, 'org.chat.bound'), eq(auditLog.subject, 'unit:education')));
    expect(trail).toMatchObject([{ actor: 'ou_news_staff', before: { chatId: null }, after: { chatId: 'oc_edu_group' } }]);

    expect(await say('ou_news_staff', '/舆情 绑定 教育局', { chatId: 'oc_edu_group' })).toBe('本群已经是县教育局的工作群，无需重复绑定。');
    expect(await say('ou_admin', '/yq bind 教育局', { chatType: 'p2p', chatId: 'oc_p2p_admin' })).toMatch(/^请在要绑定的单位工作群里/);
    expect(await say('ou_admin', '/yq bind 卫生', { chatId: 'oc_x' })).toMatch(/^找不到单位“卫生”/);
  });

  it('roster shows the people of a unit; in a bound group it needs no argument', async () => {
    expect(await say('ou_edu_lead', '/舆情 名单', { chatId: 'oc_edu_group' })).toBe(
      ['县教育局（education）', '负责人：马局长', '联络人：胡静', '工作群：已绑定'].join('\n'),
    );
    expect(await say('ou_edu_lead', '/yq roster health', { chatType: 'p2p', chatId: 'oc_p' })).toContain('负责人：朱副主任、杨主任');
  });

  it('liaison add/remove: a unit leader edits their own unit only; edits are audited', async () => {
    const mention = { key: '@_user_2', openId: 'ou_new_person', name: '新同事' };
    const mentions = [{ key: '@_user_1', openId: 'ou_bot', name: '舆情助手' }, mention];
    const before = await securityCount();
    expect(await say('ou_edu_lead', '/舆情 联络人 添加 卫健委 @_user_2', { mentions })).toMatch(/^无法执行：这不是您所负责单位的名单。/);
    expect(await securityCount()).toBe(before + 1);
    expect((await effectiveRoster(db.db, 'health')).liaison).toEqual(['ou_health_liaison']);

    expect(await say('ou_edu_lead', '/舆情 联络人 添加 教育局 @_user_2', { mentions })).toBe('已将 新同事 添加为县教育局的联络人。');
    expect((await effectiveRoster(db.db, 'education')).liaison).toEqual(['ou_edu_liaison', 'ou_new_person']);
    expect(await say('ou_new_person', '/yq whoami', { chatType: 'p2p', chatId: 'oc_np' })).toContain('单位：县教育局联络人');
    expect(await say('ou_edu_lead', '/yq liaison add education @_user_2', { mentions })).toBe('新同事 已经是县教育局的联络人。');
    expect(await say('ou_admin', '/yq liaison remove education @_user_2', { mentions })).toBe('已将 新同事 从县教育局的联络人中移除。');
    expect((await effectiveRoster(db.db, 'education')).liaison).toEqual(['ou_edu_liaison']);
    const trail = await db.db.select().from(auditLog).where(eq(auditLog.subject, 'unit:education')).orderBy(auditLog.id);
    expect(trail.map((row) => [row.actor, row.action])).toEqual(
      expect.arrayContaining([
        ['ou_edu_lead', 'org.roster.liaison.added'],
        ['ou_admin', 'org.roster.liaison.removed'],
      ]),
    );
  });

  it('posts how to bind when added to a group; unbinds and tells the news office when removed', async () => {
    await harness.app.handle(toInboundEvent(chatEvent('im.chat.member.bot.added_v1', 'oc_new_group')));
    const card = await eventually(() => {
      const found = lark.messages.find((m) => m.receiveId === 'oc_new_group');
      if (!found) throw new Error('no card yet');
      return found;
    });
    expect(card.msgType).toBe('interactive');
    expect(JSON.stringify(card.content)).toContain('/舆情 绑定 <单位>');

    await harness.app.handle(toInboundEvent(chatEvent('im.chat.member.bot.deleted_v1', 'oc_edu_group')));
    expect(await effectiveChatId(db.db, 'education')).toBeNull();
    const notice = await eventually(() => {
      const found = lark.messages.find((m) => m.receiveId === 'oc_news' && JSON.stringify(m.content).includes('解除绑定'));
      if (!found) throw new Error('no notice yet');
      return found;
    });
    expect(JSON.stringify(notice.content)).toContain('县教育局');
  });

  it('messages from other bots are ignored', async () => {
    const event = messageEvent({ text: '/yq help', sender: 'ou_other_bot', messageId: 'om_from_bot' });
    event.event.sender.sender_type = 'app';
    await harness.app.handle(toInboundEvent(event));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(lark.messages.find((m) => m.replyTo === 'om_from_bot')).toBeUndefined();
  });
});
