import { createHash, randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import {
  claimOutboxRows,
  enqueueOutbox,
  markOutboxDead,
  markOutboxRetry,
  markOutboxSent,
  patchStanding,
  releaseOutboxRow,
  saveOutboxProgress,
  type MessageRef,
  type OutboxRow,
  type OutgoingMessage,
  type SendTarget,
} from '../db/queries/outbox.js';
import { LarkApiError, toLarkApiError, type LarkGateway, type Receiver } from './gateway.js';
import { Pacer, type PaceKeys } from './pacer.js';
import { createdChatId, NotReadyError, receiverKey, receiverOfLane, resolveMessageId, resolveReceivers } from './recipients.js';

/**
 * Delivers the outbox (DESIGN.md §5). Rows are claimed with SKIP LOCKED and a lease, so any number
 * of senders share the work and none sends a row twice; sends and replies carry a uuid derived
 * from the row key, so a retry after a lost answer is absorbed by Lark. Rows still failing after
 * 55 minutes (Lark keeps a uuid for one hour) are dead-lettered and the admins told.
 */

export interface OutboxSenderOptions {
  db: Db;
  gateway: LarkGateway;
  clock: Clock;
  log: Logger;
  pacer?: Pacer;
  /** Monotonic milliseconds for pacing (real elapsed time, not the business clock). */
  monotonic?: () => number;
  /** Waits that many monotonic milliseconds (tests with a fake monotonic clock advance it). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * A claimed row waits for its pacing slot while the slot is at most this far off (spacing
   * calls evenly, so Lark is not hit in bunches); a slot further off (a full minute's quota), and
   * the row is given back. Well under the lease.
   */
  holdMs?: number;
  batchSize?: number;
  /**
   * Runs before each claim and may queue rows to send (the app's card redraws): work that is best
   * done as late as the sender can take it. A failure is logged; the sweep goes on.
   */
  refill?: () => Promise<unknown>;
  leaseMs?: number;
  deadAfterMs?: number;
  idleMs?: number;
}

export interface SweepResult {
  claimed: number;
  sent: number;
  retried: number;
  dead: number;
  paced: number;
}

interface Progress {
  delivered: Record<string, string>;
  failed: Record<string, string>;
}

type Outcome = 'sent' | 'retried' | 'dead' | 'paced';

const MINUTE = 60_000;
/**
 * Rows claimed at once: the most a crash can leave in flight. Large enough that the gap between
 * one batch's last call and the next claim costs little of the paced rate.
 */
export const DEFAULT_SENDER_BATCH = 40;
/** How soon the sender looks after a nudge: a copy on another screen changes this much later. */
export const NUDGE_MS = 100;
/** The message a reply was for is gone: post in the chat instead of losing the reply. */
const REPLY_TARGET_GONE = new Set([230011, 230110]);

/** Lark's uuid: ≤ 50 characters, the same for every retry of one delivery. */
export function uuidFor(rowKey: string, receiver: string): string {
  return `yq${createHash('sha256').update(`${rowKey}|${receiver}`).digest('hex').slice(0, 40)}`;
}

function paceKeysOf(receiver: Receiver): PaceKeys {
  return 'chatId' in receiver ? { chatId: receiver.chatId } : { openId: receiver.openId };
}

/** How long the app holds its calls after a rate-limit refusal that names no reset time: Lark's per-second window. */
const APP_HOLD_WITHOUT_RESET_MS = 1000;

export function backoffMs(attempts: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.min(attempts, 6)) + randomInt(250);
}

export class OutboxSender {
  private readonly pacer: Pacer;
  private readonly monotonic: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly holdMs: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly deadAfterMs: number;
  private readonly idleMs: number;
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  /** A wake came while a sweep ran: no pause after it. */
  private woken = false;
  /** A nudge's wake, due NUDGE_MS after it; a sweep that starts meanwhile answers it. */
  private nudgeTimer?: NodeJS.Timeout;
  /** The shortest pacing wait seen in the current sweep. */
  private pacedWaitMs = Infinity;

  constructor(private readonly options: OutboxSenderOptions) {
    this.pacer = options.pacer ?? new Pacer();
    this.monotonic = options.monotonic ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.holdMs = options.holdMs ?? 5000;
    this.batchSize = options.batchSize ?? DEFAULT_SENDER_BATCH;
    this.leaseMs = options.leaseMs ?? MINUTE;
    this.deadAfterMs = options.deadAfterMs ?? 55 * MINUTE;
    this.idleMs = options.idleMs ?? 500;
  }

  /** Claims one batch of lane heads and delivers them. */
  async sweep(): Promise<SweepResult> {
    const { db, clock, refill } = this.options;
    if (refill) await refill().catch((error: unknown) => this.options.log.error({ err: error }, 'outbox refill failed'));
    const now = clock.now();
    const rows = await claimOutboxRows(db, now, new Date(now.getTime() + this.leaseMs), this.batchSize);
    this.pacedWaitMs = Infinity;
    const result: SweepResult = { claimed: rows.length, sent: 0, retried: 0, dead: 0, paced: 0 };
    const dead: OutboxRow[] = [];
    await Promise.all(
      rows.map(async (row) => {
        const outcome = await this.deliver(row);
        result[outcome] += 1;
        if (outcome === 'dead') dead.push(row);
      }),
    );
    if (dead.length > 0) await this.alertAdmins(dead);
    this.pacer.prune(this.monotonic());
    return result;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let pause = this.idleMs;
        clearTimeout(this.nudgeTimer);
        this.nudgeTimer = undefined;
        try {
          const result = await this.sweep();
          // Work found: go again at once, unless everything claimed had to wait for a pacing slot.
          if (result.claimed > 0) pause = result.paced === result.claimed ? Math.min(this.pacedWaitMs, this.idleMs) : 0;
        } catch (error) {
          this.options.log.error({ err: error }, 'outbox sweep failed');
        }
        // Queued while that sweep ran, maybe after its claim.
        if (this.woken) pause = 0;
        this.woken = false;
        if (pause > 0 && this.running) await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pause);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = undefined;
      }
    })();
  }

  /** Something was queued: look now rather than at the next idle tick. */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.woken = true;
  }

  /**
   * Items changed, and their older card copies may wait in the redraw queue (refill): look within
   * NUDGE_MS. Every click commits such a change; waking at each of them kept the sender sweeping
   * hundreds of times a second at 200 clicks/s (a redraw query and a claim each), while Lark takes
   * about 50 patches a second anyway (docs/performance.md, session 10).
   */
  nudge(): void {
    this.nudgeTimer ??= setTimeout(() => this.wake(), NUDGE_MS);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.nudgeTimer);
    this.wake();
    await this.loop;
  }

  private async deliver(row: OutboxRow): Promise<Outcome> {
    const log = this.options.log.child({ outboxId: row.id, key: row.key, kind: row.kind });
    const progress: Progress = { delivered: {}, failed: {}, ...(row.result as Partial<Progress> | null) };
    try {
      switch (row.kind) {
        case 'send':
          return await this.deliverSend(row, progress, log);
        case 'reply':
          return await this.deliverReply(row, progress, log);
        case 'patch':
          return await this.deliverPatch(row, log);
        case 'urgent':
          return await this.deliverUrgent(row, log);
        case 'create_chat':
          return await this.deliverCreateChat(row, log);
        case 'add_members':
          return await this.deliverAddMembers(row, log);
        case 'send_file':
          return await this.deliverFile(row, progress, log);
        default:
          return await this.giveUp(row, progress, `unknown outbox kind ${row.kind}`, log);
      }
    } catch (error) {
      if (error instanceof NotReadyError) {
        log.debug({ reason: error.message }, 'not ready yet');
        this.pacedWaitMs = Math.min(this.pacedWaitMs, this.idleMs);
        await releaseOutboxRow(this.options.db, row.id, progress);
        return 'paced';
      }
      return this.failed(row, progress, toLarkApiError(error), log);
    }
  }

  /**
   * Waits for this call's pacing slot while holding the row, or gives the row back (keeping any
   * progress) when the slot is far off, and says so. Pacing is real elapsed time, so it is not
   * written as a business-clock due time; the loop waits instead.
   */
  private async paced(row: OutboxRow, progress: Progress, keys: PaceKeys): Promise<boolean> {
    for (;;) {
      const wait = this.pacer.tryStartSpaced(keys, this.monotonic());
      if (wait === 0) return false;
      if (wait > this.holdMs) {
        this.pacedWaitMs = Math.min(this.pacedWaitMs, wait);
        await releaseOutboxRow(this.options.db, row.id, progress);
        return true;
      }
      await this.sleep(wait);
    }
  }

  /**
   * Makes one call to Lark in its pacing slot (none when `keys` is undefined), counted by the pacer
   * until Lark answers; undefined when the row was given back to wait for its slot (see paced).
   */
  private async inSlot<T>(row: OutboxRow, progress: Progress, keys: PaceKeys | undefined, call: () => Promise<T>): Promise<{ answer: T } | undefined> {
    if (!keys) return { answer: await call() };
    if (await this.paced(row, progress, keys)) return undefined;
    try {
      return { answer: await call() };
    } finally {
      this.pacer.settle(keys, this.monotonic());
    }
  }

  private async deliverSend(row: OutboxRow, progress: Progress, log: Logger): Promise<Outcome> {
    const { db, gateway, clock } = this.options;
    const receivers = await resolveReceivers(db, row.target as SendTarget);
    if (receivers.length === 0) return this.giveUp(row, progress, 'nobody to send to (no chat bound and no people in the roster)', log);
    const message = (row.payload as { message: OutgoingMessage }).message;
    for (const receiver of receivers) {
      const key = receiverKey(receiver);
      if (key in progress.delivered || key in progress.failed) continue;
      try {
        const sent = await this.inSlot(row, progress, paceKeysOf(receiver), () => gateway.send(receiver, message, uuidFor(row.key, key)));
        if (!sent) return 'paced';
        progress.delivered[key] = sent.answer.messageId;
      } catch (error) {
        if (error instanceof NotReadyError) throw error;
        const apiError = toLarkApiError(error);
        if (apiError.retryable) return this.failed(row, progress, apiError, log);
        progress.failed[key] = apiError.message;
        log.warn({ receiver: key, err: apiError.message }, 'a receiver could not be reached');
      }
    }
    if (Object.keys(progress.failed).length > 0) {
      const failures = Object.entries(progress.failed).map(([receiver, error]) => `${receiver}: ${error}`);
      return this.giveUp(row, progress, `not delivered to ${failures.join('; ')}`, log);
    }
    await markOutboxSent(db, row.id, clock.now(), progress);
    log.info({ receivers: Object.keys(progress.delivered).length }, 'sent');
    return 'sent';
  }

  /** Pacing for rows that live in one receiver's lane (replies and buzzes: they post in it or notify its people). */
  private laneKeys(row: OutboxRow): PaceKeys | undefined {
    const receiver = receiverOfLane(row.lane);
    return receiver && paceKeysOf(receiver);
  }

  private async deliverReply(row: OutboxRow, progress: Progress, log: Logger): Promise<Outcome> {
    const { db, gateway, clock } = this.options;
    const { to } = row.target as { to: MessageRef };
    const message = (row.payload as { message: OutgoingMessage }).message;
    const target = await resolveMessageId(db, to);
    const replied = await this.inSlot(row, progress, this.laneKeys(row), async () => {
      try {
        return await gateway.reply(target, message, uuidFor(row.key, 'reply'));
      } catch (error) {
        const apiError = toLarkApiError(error);
        const fallback = receiverOfLane(row.lane);
        if (apiError.code === undefined || !REPLY_TARGET_GONE.has(apiError.code) || !fallback) throw apiError;
        log.info('the message replied to is gone; posting in its chat instead');
        return gateway.send(fallback, message, uuidFor(row.key, 'reply-fallback'));
      }
    });
    if (!replied) return 'paced';
    progress.delivered[row.lane] = replied.answer.messageId;
    await markOutboxSent(db, row.id, clock.now(), progress);
    log.info('replied');
    return 'sent';
  }

  private async deliverPatch(row: OutboxRow, log: Logger): Promise<Outcome> {
    const { db, gateway, clock } = this.options;
    const { to, copy } = row.target as { to: MessageRef; copy: string };
    const { card, version } = row.payload as { card: Record<string, unknown>; version: number };
    // Both reads at once; the message's (which fails while the card is not yet sent) counts only
    // for a patch still needed. It comes before the pacing slot: waiting takes no slot.
    const [standing, message] = await Promise.allSettled([patchStanding(db, copy, version), resolveMessageId(db, to)]);
    if (standing.status === 'rejected') throw standing.reason;
    const { applied, newer } = standing.value;
    if ((applied !== undefined && applied >= version) || newer) {
      await markOutboxSent(db, row.id, clock.now(), { superseded: true });
      log.debug({ version, applied }, 'card patch superseded by a newer version; dropped');
      return 'sent';
    }
    if (message.status === 'rejected') throw message.reason;
    const messageId = message.value;
    if (!(await this.inSlot(row, { delivered: {}, failed: {} }, { message: copy }, () => gateway.patchCard(messageId, card)))) return 'paced';
    await markOutboxSent(db, row.id, clock.now(), { version });
    return 'sent';
  }

  private async deliverUrgent(row: OutboxRow, log: Logger): Promise<Outcome> {
    const { db, gateway, clock } = this.options;
    const { to } = row.target as { to: MessageRef };
    const { openIds } = row.payload as { openIds: string[] };
    const messageId = await resolveMessageId(db, to);
    const buzzed = await this.inSlot(row, { delivered: {}, failed: {} }, this.laneKeys(row), () => gateway.urgent(messageId, openIds));
    if (!buzzed) return 'paced';
    const { invalid } = buzzed.answer;
    if (invalid.length > 0) log.warn({ invalid }, 'some people could not be buzzed (not in the chat)');
    await markOutboxSent(db, row.id, clock.now(), { invalid });
    return 'sent';
  }

  private async deliverCreateChat(row: OutboxRow, log: Logger): Promise<Outcome> {
    const { db, gateway, clock } = this.options;
    const chat = row.payload as { name: string; description: string; openIds: string[] };
    const { chatId } = await gateway.createChat(chat, uuidFor(row.key, 'create-chat'));
    await markOutboxSent(db, row.id, clock.now(), { chatId });
    log.info({ chatId }, 'chat created');
    return 'sent';
  }

  private async deliverAddMembers(row: OutboxRow, log: Logger): Promise<Outcome> {
    const { db, gateway, clock } = this.options;
    const target = row.target as { chatId: string } | { createdChat: string };
    const chatId = 'chatId' in target ? target.chatId : await createdChatId(db, target.createdChat);
    const { openIds } = row.payload as { openIds: string[] };
    const { invalid } = await gateway.addMembers(chatId, openIds);
    if (invalid.length > 0) log.warn({ chatId, invalid }, 'some people could not be added to the chat');
    await markOutboxSent(db, row.id, clock.now(), { chatId, invalid });
    return 'sent';
  }

  /** Uploads once (the file key is kept in the row's progress), then sends to each receiver. */
  private async deliverFile(row: OutboxRow, progress: Progress & { fileKey?: string }, log: Logger): Promise<Outcome> {
    const { db, gateway } = this.options;
    const { fileName, content } = row.payload as { fileName: string; content: string };
    if (!progress.fileKey) {
      progress.fileKey = (await gateway.uploadFile(fileName, Buffer.from(content, 'base64'))).fileKey;
      await saveOutboxProgress(db, row.id, progress);
    }
    const asMessage = { ...row, payload: { message: { msgType: 'file', fileKey: progress.fileKey } } } as OutboxRow;
    return this.deliverSend(asMessage, progress, log);
  }

  private async failed(row: OutboxRow, progress: Progress, error: LarkApiError, log: Logger): Promise<Outcome> {
    if (!error.retryable) return this.giveUp(row, progress, error.message, log);
    if (error.appRateLimited) this.pacer.holdApp(this.monotonic() + (error.retryAfterMs ?? APP_HOLD_WITHOUT_RESET_MS));
    const now = this.options.clock.now();
    const delay = Math.max(error.retryAfterMs ?? 0, backoffMs(row.attempts));
    if (now.getTime() + delay - row.createdAt.getTime() > this.deadAfterMs) {
      return this.giveUp(row, progress, `still failing after ${Math.round((now.getTime() - row.createdAt.getTime()) / MINUTE)} min: ${error.message}`, log);
    }
    await markOutboxRetry(this.options.db, row.id, new Date(now.getTime() + delay), error.message, progress);
    log.warn({ err: error.message, retryInMs: delay, attempts: row.attempts + 1 }, 'delivery failed; will retry');
    return 'retried';
  }

  private async giveUp(row: OutboxRow, progress: Progress, reason: string, log: Logger): Promise<Outcome> {
    await markOutboxDead(this.options.db, row.id, this.options.clock.now(), reason, progress);
    log.error({ reason }, 'outbox row dead-lettered');
    return 'dead';
  }

  /** One message to the admins per sweep; alerts about alerts are only logged. */
  private async alertAdmins(dead: OutboxRow[]): Promise<void> {
    const worth = dead.filter((row) => !row.key.startsWith('alert:'));
    if (worth.length === 0) return;
    const now = this.options.clock.now();
    const lines = worth.slice(0, 20).map((row) => `• #${row.id} ${row.kind} → ${JSON.stringify(row.target as SendTarget)}（${row.key}）`);
    if (worth.length > 20) lines.push(`……另有 ${worth.length - 20} 条`);
    const text = ['舆情助手有消息发送失败，已停止重试：', ...lines, '', '详情见日志和 outbox 表（dead_at 不为空的行）。'].join('\n');
    await enqueueOutbox(this.options.db, `alert:dead:${worth.map((row) => row.id).join(',')}`, { kind: 'send', target: { admins: true }, message: { msgType: 'text', text } }, now);
  }
}
