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
 * second, or a call a hair after the minute, would arrive bunched. Chats and users keep a wider
 * margin: other bots in a group share its 5/s. A patch counts against its message's 5/s and the
 * app's limits, not its chat's: Lark's per-group limit is on sending.
 */
const DEFAULT_PER_MESSAGE = 4;
export const DEFAULT_PACER_LIMITS: PacerLimits = { perChatPerSecond: 4, perUserPerSecond: 4, appPerSecond: 47, appPerMinute: 1000, perMessagePerSecond: DEFAULT_PER_MESSAGE };

export interface PaceKeys {
  chatId?: string;
  openId?: string;
  /** Any stable name of the message being patched. */
  message?: string;
}

class Window {
  private readonly times: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly spanMs: number,
  ) {}

  /** Milliseconds until one more call fits, 0 if it fits now. */
  waitMs(now: number): number {
    this.forget(now);
    return this.times.length < this.limit ? 0 : this.times[0]! + this.spanMs - now;
  }

  record(now: number): void {
    this.times.push(now);
  }

  /** Forgets calls that have left the window by `now`. */
  forget(now: number): void {
    while (this.times.length > 0 && this.times[0]! <= now - this.spanMs) this.times.shift();
  }

  get idle(): boolean {
    return this.times.length === 0;
  }
}

export class Pacer {
  private readonly app: Window[];
  private readonly chats = new Map<string, Window>();
  private readonly users = new Map<string, Window>();
  private readonly messages = new Map<string, Window>();
  private readonly spacingMs: number;
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
   * how long to wait.
   */
  tryTake(keys: PaceKeys, now: number): number {
    const windows = this.windowsFor(keys);
    const wait = Math.max(...windows.map((window) => window.waitMs(now)));
    if (wait > 0) return wait;
    for (const window of windows) window.record(now);
    return 0;
  }

  /**
   * As tryTake, and also keeps the app's calls evenly spaced (1000 / appPerSecond ms from the last
   * call taken): the sender's way, so Lark never sees a second's share in a bunch. Slots are taken
   * at the time of the call, not ahead: a sender that wakes late after a pause does not fire the
   * calls it missed all at once.
   */
  tryTakeSpaced(keys: PaceKeys, now: number): number {
    const spacing = this.lastAppSlot + this.spacingMs - now;
    if (spacing > 0) return spacing;
    const wait = this.tryTake(keys, now);
    if (wait === 0) this.lastAppSlot = now;
    return wait;
  }

  /** How many chats and users are being tracked (memory stays bounded by prune). */
  get trackedKeys(): number {
    return this.chats.size + this.users.size + this.messages.size;
  }

  /** Forget idle per-chat and per-user windows so memory does not grow with every chat ever seen. */
  prune(now: number): void {
    for (const map of [this.chats, this.users, this.messages]) {
      for (const [key, window] of map) {
        window.waitMs(now);
        if (window.idle) map.delete(key);
      }
    }
  }
}
