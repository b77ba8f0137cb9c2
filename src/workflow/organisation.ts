import { chatBindings, people, rosterOverrides } from '../db/schema/index.js';
import type { Db, Tx } from '../db/client.js';
import { effectiveChatId, effectiveRoster, type RosterRole } from '../db/queries/organisation.js';
import { auditedChangeInTx } from './audited.js';

export interface ChatBindingChange {
  unitCode: string;
  /** null unbinds (the bot was removed, or the chat disbanded). */
  chatId: string | null;
  actor: string;
  at: Date;
}

/** Binds (or unbinds) a unit's chat from Feishu; kept across re-syncs of the organisation file. */
export async function bindUnitChat(db: Db, change: ChatBindingChange): Promise<void> {
  await db.transaction((tx) => bindUnitChatInTx(tx, change));
}

export async function bindUnitChatInTx(tx: Tx, change: ChatBindingChange): Promise<void> {
  const action = change.chatId ? 'org.chat.bound' : 'org.chat.unbound';
  await auditedChangeInTx(tx, { at: change.at, actor: change.actor, action, subject: `unit:${change.unitCode}` }, async (tx) => {
    const before = await effectiveChatId(tx, change.unitCode);
    const row = { unitCode: change.unitCode, chatId: change.chatId, changedBy: change.actor, changedAt: change.at };
    await tx.insert(chatBindings).values(row).onConflictDoUpdate({ target: chatBindings.unitCode, set: row });
    return { before: { chatId: before }, after: { chatId: change.chatId }, value: undefined };
  });
}

export interface RosterChange {
  unitCode: string;
  personKey: string;
  role: RosterRole;
  present: boolean;
  /** Display name for someone the file does not list yet (added by @mention). */
  personName?: string;
  actor: string;
  at: Date;
}

/** Adds or removes a person in a unit's roster from chat; kept across re-syncs of the file. */
export async function changeRoster(db: Db, change: RosterChange): Promise<void> {
  await db.transaction((tx) => changeRosterInTx(tx, change));
}

export async function changeRosterInTx(tx: Tx, change: RosterChange): Promise<void> {
  const action = `org.roster.${change.role}.${change.present ? 'added' : 'removed'}`;
  await auditedChangeInTx(tx, { at: change.at, actor: change.actor, action, subject: `unit:${change.unitCode}` }, async (tx) => {
    const before = await effectiveRoster(tx, change.unitCode);
    await tx
      .insert(people)
      .values({ key: change.personKey, openId: change.personKey.startsWith('ou_') ? change.personKey : null, name: change.personName ?? change.personKey, managedByFile: false, updatedAt: change.at })
      .onConflictDoNothing();
    const row = { unitCode: change.unitCode, personKey: change.personKey, role: change.role, present: change.present, changedBy: change.actor, changedAt: change.at };
    await tx
      .insert(rosterOverrides)
      .values(row)
      .onConflictDoUpdate({
        target: [rosterOverrides.unitCode, rosterOverrides.personKey, rosterOverrides.role],
        set: { present: change.present, changedBy: change.actor, changedAt: change.at },
      });
    const after = await effectiveRoster(tx, change.unitCode);
    return { before: before[change.role], after: after[change.role], value: undefined };
  });
}
