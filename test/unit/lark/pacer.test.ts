import { describe, expect, it } from 'vitest';
import { Pacer } from '../../../src/lark/pacer.js';

const limits = { perChatPerSecond: 5, perUserPerSecond: 5, appPerSecond: 50, appPerMinute: 1000 };

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

  it('holds the whole app to 1000 a minute', () => {
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
    expect(wait).toBe(60_000 - now);
  });

  it('does not take a slot when it says wait', () => {
    const pacer = new Pacer({ ...limits, perChatPerSecond: 1 });
    expect(pacer.tryTake({ chatId: 'oc_a' }, 0)).toBe(0);
    expect(pacer.tryTake({ chatId: 'oc_a' }, 100)).toBe(900);
    expect(pacer.tryTake({ chatId: 'oc_a' }, 1000)).toBe(0);
  });

  it('forgets idle chats', () => {
    const pacer = new Pacer(limits);
    pacer.tryTake({ chatId: 'oc_a', openId: 'ou_a' }, 0);
    pacer.tryTake({ chatId: 'oc_b' }, 4500);
    expect(pacer.trackedKeys).toBe(3);
    pacer.prune(5000);
    expect(pacer.trackedKeys).toBe(1);
  });
});
