/**
 * Keeps outbound calls under Lark's limits (DESIGN.md §8): per chat, per user, per app per second
 * and per app per minute. Sliding windows of send times; pure apart from the times it is given
 * (a monotonic clock, since pacing is about real elapsed time, not the business clock).
 */
export interface PacerLimits {
  perChatPerSecond: number;
  perUserPerSecond: number;
  appPerSecond: number;
  appPerMinute: number;
  /** Patches of one message (Lark: 5/s per message; a patch is not a send, so no chat limit). */
  perMessagePerSecond?: number;
  /** How long the app's minute is counted over: 61 s by default (see DEFAULT_PACER_LIMITS); Lark's own is 60 s. */
  minuteSpanMs?: number;
}

/**
 * Under Lark's 5/5/50/1000. The app's calls are also spaced evenly (1000 / appPerSecond ms apart)
 * and its minute is counted over 61 s: Lark counts calls as they arrive, and a burst sent within a
 * second, or a call a hair after the minute, would arrive bunched. A call the sender makes counts
 * from its start until its answer (tryStartSpaced), so however late it arrives Lark cannot see more
 * in a second than the app counted: 48 leaves two calls of margin. Chats and users keep a wider
 * margin: other bots in a group share its 5/s. A patch counts against its message's 5/s and the
 * app's limits, not its chat's: Lark's per-group limit is on sending.
 */
const DEFAULT_PER_MESSAGE = 4;
export const DEFAULT_PACER_LIMITS: PacerLimits = { perChatPerSecond: 4, perUserPerSecond: 4, appPerSecond: 48, appPerMinute: 1000, perMessagePerSecond: DEFAULT_PER_MESSAGE };

export interface PaceKeys {
  chatId?: string;
  openId?: string;
  /** Any stable name of the message being patched. */
  message?: string;
}

/** How soon to look again when a window is full of calls still waiting for Lark's answer. */
const IN_FLIGHT_RECHECK_MS = 20;

/**
 * Calls within the last `spanMs`. A call counts from when it starts until `spanMs` after it ends:
 * Lark counts a call when it arrives, which is somewhere between the two, so a call that is slow to
 * arrive (a stalled event loop, a slow network) cannot make the calls before it look bunched there.
 */
class Window {
  /** When each finished call ended, in order. */
  private readonly ends: number[] = [];
  private inFlight = 0;
  private heldUntil = -Infinity;
  constructor(
    private readonly limit: number,
    private readonly spanMs: number,
  ) {}

  /** Milliseconds until one more call fits, 0 if it fits now. */
  waitMs(now: number): number {
    this.forget(now);
    const held = Math.max(0, this.heldUntil - now);
    const over = this.ends.length + this.inFlight - this.limit;
    if (over < 0) return held;
    // Enough finished calls must age out to make room; if too few have finished, look again soon.
    return Math.max(held, over < this.ends.length ? this.ends[over]! + this.spanMs - now : IN_FLIGHT_RECHECK_MS);
  }

  /** No calls before `until`, whatever the count says. */
  holdUntil(until: number): void {
    this.heldUntil = Math.max(this.heldUntil, until);
  }

  /** A call made and answered at `now`. */
  record(now: number): void {
    this.ends.push(now);
  }

  start(): void {
    this.inFlight += 1;
  }

  /** A started call was answered (or failed) at `now`. */
  settle(now: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.record(now);
  }

  /** Forgets calls that have left the window by `now`. */
  forget(now: number): void {
    while (this.ends.length > 0 && this.ends[0]! <= now - this.spanMs) this.ends.shift();
  }

  idleAt(now: number): boolean {
    return this.ends.length === 0 && this.inFlight === 0 && this.heldUntil <= now;
  }
}

export class Pacer {
  private readonly app: Window[];
  private readonly chats = new Map<string, Window>();
  private readonly users = new Map<string, Window>();
  private readonly messages = new Map<string, Window>();
  private readonly spacingMs: number;
  /** The slot the last spaced call was counted at: its due time when it woke a little late (see tryTakeSpaced). */
  private lastAppSlot = -Infinity;

  constructor(private readonly limits: PacerLimits = DEFAULT_PACER_LIMITS) {
    this.app = [new Window(limits.appPerSecond, 1000), new Window(limits.appPerMinute, limits.minuteSpanMs ?? 61_000)];
    this.spacingMs = 1000 / limits.appPerSecond;
  }

  private windowsFor(keys: PaceKeys): Window[] {
    const windows = [...this.app];
    if (keys.chatId) windows.push(this.lookup(this.chats, keys.chatId, this.limits.perChatPerSecond));
    if (keys.openId) windows.push(this.lookup(this.users, keys.openId, this.limits.perUserPerSecond));
    if (keys.message) windows.push(this.lookup(this.messages, keys.message, this.limits.perMessagePerSecond ?? DEFAULT_PER_MESSAGE));
    return windows;
  }

  private lookup(map: Map<string, Window>, key: string, limit: number): Window {
    let window = map.get(key);
    if (!window) {
      window = new Window(limit, 1000);
      map.set(key, window);
    }
    return window;
  }

  /**
   * Takes a slot if every window has room and returns 0; otherwise takes nothing and returns
   * how long to wait. The call counts as made and answered at `now`.
   */
  tryTake(keys: PaceKeys, now: number): number {
    return this.take(this.windowsFor(keys), now, false);
  }

  /**
   * As tryTake, and also keeps the app's calls evenly spaced (1000 / appPerSecond ms apart): the
   * sender's way, so Lark never sees a second's share in a bunch. Slots are taken at the time of
   * the call, not ahead: a sender that wakes late after a pause does not fire the calls it missed
   * all at once. A call that wakes only a little late (up to half a spacing, a timer's usual
   * lateness) is counted at its due time, so that lateness does not add up call after call and
   * slow the whole burst; the windows still count it at the real time, so no limit is passed.
   */
  tryTakeSpaced(keys: PaceKeys, now: number): number {
    return this.spaced(keys, now, false);
  }

  /**
   * As tryTakeSpaced for a call about to be made: it counts from now until `settle(keys, ...)` is
   * called with the same keys once Lark has answered (or the call failed). The sender's way.
   */
  tryStartSpaced(keys: PaceKeys, now: number): number {
    return this.spaced(keys, now, true);
  }

  settle(keys: PaceKeys, now: number): void {
    for (const window of this.windowsFor(keys)) window.settle(now);
  }

  private spaced(keys: PaceKeys, now: number, inFlight: boolean): number {
    const due = this.lastAppSlot + this.spacingMs;
    if (due > now) return due - now;
    const wait = this.take(this.windowsFor(keys), now, inFlight);
    if (wait === 0) this.lastAppSlot = now - due <= this.spacingMs / 2 ? due : now;
    return wait;
  }

  private take(windows: Window[], now: number, inFlight: boolean): number {
    const wait = Math.max(...windows.map((window) => window.waitMs(now)));
    if (wait > 0) return wait;
    for (const window of windows) {
      if (inFlight) window.start();
      else window.record(now);
    }
    return 0;
  }

  /**
   * Lark said the app is over its limit (99991400, with x-ogw-ratelimit-reset): no call of the app
   * goes before `until`, so the calls already waiting do not each earn a refusal of their own.
   */
  holdApp(until: number): void {
    for (const window of this.app) window.holdUntil(until);
  }

  /** How many chats and users are being tracked (memory stays bounded by prune). */
  get trackedKeys(): number {
    return this.chats.size + this.users.size + this.messages.size;
  }

  /** Forget idle per-chat and per-user windows so memory does not grow with every chat ever seen. */
  prune(now: number): void {
    for (const map of [this.chats, this.users, this.messages]) {
      for (const [key, window] of map) {
        window.forget(now);
        if (window.idleAt(now)) map.delete(key);
      }
    }
  }
}
