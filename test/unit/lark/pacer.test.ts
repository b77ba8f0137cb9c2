import { describe, expect, it } from 'vitest';
import { Pacer } from '../../../src/lark/pacer.js';

const limits = { perChatPerSecond: 5, perUserPerSecond: 5, appPerSecond: 50, appPerMinute: 1000 };

/** The same pseudo-random sequence every run. */
const seeded = (seed: number) => () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);

/** Every second and minute starting at a call, and each chat's second, holds no more than the limits. */
function expectWithinLimits(calls: { at: number; chat: string }[], { perSecond, perMinute, perChat }: { perSecond: number; perMinute: number; perChat: number }) {
  const inWindow = (from: number, span: number, chat?: string) => calls.filter((c) => c.at >= from && c.at < from + span && (!chat || c.chat === chat)).length;
  for (const call of calls) {
    expect(inWindow(call.at, 1000)).toBeLessThanOrEqual(perSecond);
    expect(inWindow(call.at, 60_000)).toBeLessThanOrEqual(perMinute);
    expect(inWindow(call.at, 1000, call.chat)).toBeLessThanOrEqual(perChat);
  }
}

describe('Pacer', () => {
  it('lets five calls a second into one chat and makes the sixth wait for the first to age out', () => {
    const pacer = new Pacer(limits);
    for (let i = 0; i < 5; i += 1) expect(pacer.tryTake({ chatId: 'oc_a' }, 1000 + i * 10)).toBe(0);
    expect(pacer.tryTake({ chatId: 'oc_a' }, 1050)).toBe(950);
    expect(pacer.tryTake({ chatId: 'oc_b' }, 1050)).toBe(0);
    expect(pacer.tryTake({ chatId: 'oc_a' }, 2000)).toBe(0);
  });

  it('limits each user separately', () => {
    const pacer = new Pacer(limits);
    for (let i = 0; i < 5; i += 1) expect(pacer.tryTake({ openId: 'ou_a' }, 0)).toBe(0);
    expect(pacer.tryTake({ openId: 'ou_a' }, 500)).toBe(500);
    expect(pacer.tryTake({ openId: 'ou_b' }, 500)).toBe(0);
  });

  it('holds the whole app to 50 a second across chats', () => {
    const pacer = new Pacer(limits);
    for (let i = 0; i < 50; i += 1) expect(pacer.tryTake({ chatId: `oc_${i}` }, 0)).toBe(0);
    expect(pacer.tryTake({ chatId: 'oc_new' }, 999)).toBe(1);
    expect(pacer.tryTake({ chatId: 'oc_new' }, 1000)).toBe(0);
  });

  it('holds the whole app to 1000 a minute (counted over 61 s: see DEFAULT_PACER_LIMITS)', () => {
    const pacer = new Pacer(limits);
    let now = 0;
    for (let sent = 0; sent < 1000; sent += 1) {
      const wait = pacer.tryTake({ chatId: `oc_${sent}` }, now);
      if (wait > 0) {
        now += wait;
        expect(pacer.tryTake({ chatId: `oc_${sent}` }, now)).toBe(0);
      }
    }
    expect(now).toBeLessThan(60_000);
    const wait = pacer.tryTake({ chatId: 'oc_x' }, now);
    expect(wait).toBe(61_000 - now);
  });

  it('does not take a slot when it says wait', () => {
    const pacer = new Pacer({ ...limits, perChatPerSecond: 1 });
    expect(pacer.tryTake({ chatId: 'oc_a' }, 0)).toBe(0);
    expect(pacer.tryTake({ chatId: 'oc_a' }, 100)).toBe(900);
    expect(pacer.tryTake({ chatId: 'oc_a' }, 1000)).toBe(0);
  });

  it('holds patches of one message to its own limit, apart from its chat\'s sends', () => {
    const pacer = new Pacer({ ...limits, perChatPerSecond: 1, perMessagePerSecond: 2 });
    expect(pacer.tryTake({ chatId: 'oc_a' }, 0)).toBe(0);
    expect(pacer.tryTake({ chatId: 'oc_a' }, 10)).toBe(990);
    // The chat is full for sends, yet its messages can still be patched, each up to its limit.
    expect(pacer.tryTake({ message: 'om_1' }, 10)).toBe(0);
    expect(pacer.tryTake({ message: 'om_1' }, 20)).toBe(0);
    expect(pacer.tryTake({ message: 'om_1' }, 30)).toBe(980);
    expect(pacer.tryTake({ message: 'om_2' }, 30)).toBe(0);
  });

  it('holds every call of the app until the time Lark named after a rate-limit refusal', () => {
    const pacer = new Pacer(limits);
    expect(pacer.tryTake({ chatId: 'oc_a' }, 0)).toBe(0);
    pacer.holdApp(3000);
    expect(pacer.tryTake({ chatId: 'oc_b' }, 100)).toBe(2900);
    expect(pacer.tryTakeSpaced({ openId: 'ou_a' }, 2500)).toBe(500);
    // An earlier hold does not shorten a later one.
    pacer.holdApp(1000);
    expect(pacer.tryTake({}, 2999)).toBe(1);
    expect(pacer.tryTake({ chatId: 'oc_b' }, 3000)).toBe(0);
  });

  it('forgets idle chats', () => {
    const pacer = new Pacer(limits);
    pacer.tryTake({ chatId: 'oc_a', openId: 'ou_a' }, 0);
    pacer.tryTake({ chatId: 'oc_b' }, 4500);
    pacer.tryTake({ message: 'om_a' }, 100);
    expect(pacer.trackedKeys).toBe(4);
    pacer.prune(5000);
    expect(pacer.trackedKeys).toBe(1);
  });

  describe('tryTakeSpaced (the sender: wait for the slot holding the row)', () => {
    /** Asks until it gets a slot, waiting what it is told: the time of the call. */
    const callAt = (pacer: Pacer, keys: { chatId?: string }, from: number) => {
      let now = from;
      for (let wait = pacer.tryTakeSpaced(keys, now); wait > 0; wait = pacer.tryTakeSpaced(keys, now)) now += wait;
      return now;
    };

    it('spaces the app\'s calls evenly instead of letting a second\'s share go at once', () => {
      const pacer = new Pacer(limits);
      expect(Array.from({ length: 5 }, (_, i) => callAt(pacer, { chatId: `oc_${i}` }, 0))).toEqual([0, 20, 40, 60, 80]);
      expect(pacer.tryTakeSpaced({ chatId: 'oc_x' }, 90)).toBe(10);
      // Late after a pause: the next call goes at once, the one after is spaced from it, not bunched.
      expect(callAt(pacer, { chatId: 'oc_y' }, 500)).toBe(500);
      expect(callAt(pacer, { chatId: 'oc_z' }, 500)).toBe(520);
    });

    it('does not let a timer\'s lateness add up: a sender that always wakes 3 ms late still keeps the rate', () => {
      const pacer = new Pacer(limits);
      let now = 0;
      const at: number[] = [];
      for (let i = 0; i < 100; i += 1) {
        for (let wait = pacer.tryTakeSpaced({ chatId: `oc_${i}` }, now); wait > 0; wait = pacer.tryTakeSpaced({ chatId: `oc_${i}` }, now)) now += wait + 3;
        at.push(now);
      }
      // Due every 20 ms: the hundredth call goes 3 ms after its due time, not 99 x 3 ms after it.
      expect(at[99]).toBe(99 * 20 + 3);
      expect(at.slice(1).every((t, i) => t - at[i]! >= 10)).toBe(true);
    });

    it('counts a started call until Lark has answered it, so a slow arrival cannot bunch the calls at Lark\'s side', () => {
      const pacer = new Pacer({ ...limits, perChatPerSecond: 2 });
      let now = 0;
      for (let i = 0; i < 50; i += 1) {
        for (let wait = pacer.tryStartSpaced({ chatId: `oc_${i}` }, now); wait > 0; wait = pacer.tryStartSpaced({ chatId: `oc_${i}` }, now)) now += wait;
      }
      expect(now).toBe(49 * 20);
      // A second after the first call started, but none has been answered: Lark may not have counted them yet.
      expect(pacer.tryStartSpaced({ chatId: 'oc_new' }, 1000)).toBeGreaterThan(0);
      for (let i = 0; i < 50; i += 1) pacer.settle({ chatId: `oc_${i}` }, 1200 + i);
      // Room again once the first answer is a second old.
      expect(pacer.tryStartSpaced({ chatId: 'oc_new' }, 1300)).toBe(900);
      expect(pacer.tryStartSpaced({ chatId: 'oc_new' }, 2200)).toBe(0);
      // A chat's window counts the same way: its two calls, one answered late.
      expect(pacer.tryStartSpaced({ chatId: 'oc_0' }, 2300)).toBe(0);
      pacer.settle({ chatId: 'oc_0' }, 3500);
      expect(pacer.tryStartSpaced({ chatId: 'oc_0' }, 3600)).toBe(0);
      pacer.settle({ chatId: 'oc_0' }, 3610);
      expect(pacer.tryStartSpaced({ chatId: 'oc_0' }, 3700)).toBe(800);
    });

    it('keeps a chat to its limit a second', () => {
      const pacer = new Pacer({ ...limits, perChatPerSecond: 4 });
      let now = 0;
      const at = Array.from({ length: 6 }, () => (now = callAt(pacer, { chatId: 'oc_a' }, now)));
      expect(at).toEqual([0, 20, 40, 60, 1000, 1020]);
    });

    it('counts the minute over 61 s', () => {
      const pacer = new Pacer(limits);
      let now = 0;
      for (let i = 0; i < 1000; i += 1) now = callAt(pacer, { chatId: `oc_${i % 200}` }, now);
      expect(now).toBe(999 * 20);
      expect(pacer.tryTakeSpaced({ chatId: 'oc_z' }, now + 20)).toBe(61_000 - now - 20);
    });

    it('never puts more calls in any window than its limits, whatever the order of asking', () => {
      const next = seeded(11);
      for (let run = 0; run < 20; run += 1) {
        const pacer = new Pacer({ perChatPerSecond: 4, perUserPerSecond: 4, appPerSecond: 47, appPerMinute: 300 });
        const calls: { at: number; chat: string }[] = [];
        let now = 0;
        for (let i = 0; i < 400; i += 1) {
          now += next() % 30;
          const chat = `oc_${next() % 6}`;
          now = callAt(pacer, { chatId: chat }, now);
          calls.push({ at: now, chat });
        }
        expectWithinLimits(calls, { perSecond: 47, perMinute: 300, perChat: 4 });
        // Never closer than half a spacing (a late call is counted at its due time; see tryTakeSpaced).
        expect(calls.slice(1).every((c, i) => c.at - calls[i]!.at >= 1000 / 47 / 2 - 1e-9)).toBe(true);
      }
    });

    it('never lets Lark count more than the limits, however late each call arrives before its answer', () => {
      const next = seeded(7);
      for (let run = 0; run < 20; run += 1) {
        const pacer = new Pacer({ perChatPerSecond: 4, perUserPerSecond: 4, appPerSecond: 48, appPerMinute: 300 });
        const arrivals: { at: number; chat: string }[] = [];
        const answers: { at: number; chat: string }[] = [];
        const answerUpTo = (now: number) => {
          answers.sort((a, b) => a.at - b.at);
          while (answers.length > 0 && answers[0]!.at <= now) {
            const answer = answers.shift()!;
            pacer.settle({ chatId: answer.chat }, answer.at);
          }
        };
        let now = 0;
        for (let i = 0; i < 400; i += 1) {
          now += next() % 30;
          const chat = `oc_${next() % 6}`;
          for (answerUpTo(now); ; answerUpTo(now)) {
            const wait = pacer.tryStartSpaced({ chatId: chat }, now);
            if (wait === 0) break;
            now += wait;
          }
          // Answered up to 300 ms later; Lark counts it somewhere in between.
          const latency = next() % 300;
          arrivals.push({ at: now + ((next() % 1000) / 1000) * latency, chat });
          answers.push({ at: now + latency, chat });
        }
        expectWithinLimits(arrivals, { perSecond: 48, perMinute: 300, perChat: 4 });
      }
    });
  });
});
