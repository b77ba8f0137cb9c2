import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAuditEntries, insertSecurityEvent } from '../../src/db/queries/audit.js';
import { auditLog, chatBindings, securityEvents, units } from '../../src/db/schema/index.js';
import { auditedChange } from '../../src/workflow/audited.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const AT = new Date('2026-11-27T08:00:00Z');

/** drizzle wraps the driver's error; the server's message is on `cause`. */
async function serverError(promise: PromiseLike<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause;
    return cause?.message ?? (error as Error).message;
  }
  return 'no error';
}

describe('audit trail', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.db.insert(units).values({ code: 'health', name: '县卫健委', role: 'department', updatedAt: AT });
  });
  afterAll(async () => {
    await db.drop();
  });

  it('one entry or several: missing before/after are SQL NULL, values come back as they went in', async () => {
    const value = { state: '已受理', quote: '他说"好"\\', list: [1, null, '二'], nested: { ok: true } };
    await insertAuditEntries(db.db, [{ at: AT, actor: 'ou_one', action: 'test.one_empty' }]);
    await insertAuditEntries(db.db, [{ at: AT, actor: 'ou_one', action: 'test.one_full', subject: 'x', before: value, after: 'text' }]);
    await insertAuditEntries(db.db, [
      { at: AT, actor: 'ou_many', action: 'test.many_empty' },
      { at: AT, actor: 'ou_many', action: 'test.many_full', subject: 'x', before: value, after: 'text' },
    ]);
    const rows = await db.sql<{ action: string; before_null: boolean; after_null: boolean; before: unknown; after: unknown; subject: string | null }[]>`
      select action, before is null as before_null, after is null as after_null, before, after, subject from audit_log where action like 'test.%' order by action`;
    const byAction = new Map(rows.map((row) => [row.action, row]));
    for (const action of ['test.one_empty', 'test.many_empty']) {
      expect(byAction.get(action)).toMatchObject({ before_null: true, after_null: true, subject: null });
    }
    for (const action of ['test.one_full', 'test.many_full']) {
      expect(byAction.get(action)).toMatchObject({ before_null: false, before: value, after: 'text', subject: 'x' });
    }
  });

  it('is append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    await insertAuditEntries(db.db, [{ at: AT, actor: 'ou_x', action: 'test.append', subject: 'unit:health', after: { a: 1 } }]);
    expect(await serverError(db.db.update(auditLog).set({ actor: 'someone else' }))).toBe('audit_log is append-only (UPDATE refused)');
    expect(await serverError(db.db.delete(auditLog))).toBe('audit_log is append-only (DELETE refused)');
    expect(await serverError(db.db.execute(sql`truncate audit_log`))).toBe('audit_log is append-only (TRUNCATE refused)');
    const rows = await db.db.select().from(auditLog).where(eq(auditLog.action, 'test.append'));
    expect(rows).toMatchObject([{ actor: 'ou_x', after: { a: 1 }, at: AT }]);
  });

  it('commits the change and its audit row together', async () => {
    await auditedChange(db.db, { at: AT, actor: 'ou_dir', action: 'org.chat.bound', subject: 'unit:health' }, async (tx) => {
      await tx.insert(chatBindings).values({ unitCode: 'health', chatId: 'oc_1', changedBy: 'ou_dir', changedAt: AT });
      return { before: null, after: { chatId: 'oc_1' }, value: undefined };
    });
    expect(await db.db.select().from(chatBindings)).toHaveLength(1);
    expect(await db.db.select().from(auditLog).where(eq(auditLog.action, 'org.chat.bound'))).toMatchObject([{ after: { chatId: 'oc_1' } }]);
  });

  it('leaves neither when the change fails', async () => {
    const failing = auditedChange(db.db, { at: AT, actor: 'ou_dir', action: 'org.chat.rebound', subject: 'unit:health' }, async (tx) => {
      await tx.update(chatBindings).set({ chatId: 'oc_2' });
      throw new Error('boom after the update');
    });
    await expect(failing).rejects.toThrow('boom after the update');
    expect(await db.db.select().from(chatBindings)).toMatchObject([{ chatId: 'oc_1' }]);
    expect(await db.db.select().from(auditLog).where(eq(auditLog.action, 'org.chat.rebound'))).toHaveLength(0);
  });

  it('keeps security events in their own table', async () => {
    await insertSecurityEvent(db.db, { at: AT, kind: 'refused_action', actor: 'ou_x', action: 'approve_draft', reason: 'own draft' });
    expect(await db.db.select().from(securityEvents)).toMatchObject([{ kind: 'refused_action', actor: 'ou_x', reason: 'own draft', at: AT }]);
    expect(await db.db.select().from(auditLog).where(eq(auditLog.actor, 'ou_x'))).toHaveLength(1);
  });
});
