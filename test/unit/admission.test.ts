import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Admission } from '../../src/inbound/admission.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
const flush = () => new Promise<void>((resolve) => queueMicrotask(resolve)).then(() => undefined);

describe('admission of inbound events under load', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  it('runs at most `concurrency` at once, in arrival order', async () => {
    const admission = new Admission({ concurrency: 2, maxWaitMs: 2000 });
    const started: number[] = [];
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const runs = gates.map((gate, i) =>
      admission.run(false, async () => {
        started.push(i);
        await gate.promise;
        return i;
      }, () => -1),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    expect(admission.waiting).toBe(2);
    gates[1]!.resolve();
    await runs[1];
    await flush();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
  });

  it('a card click that waited maxWaitMs is answered busy and never runs; a message event keeps waiting', async () => {
    const admission = new Admission({ concurrency: 1, maxWaitMs: 2000 });
    const gate = deferred();
    const ran: string[] = [];
    const holding = admission.run(false, async () => {
      await gate.promise;
      return 'first';
    }, () => 'busy');
    const click = admission.run(true, async () => {
      ran.push('click');
      return 'click';
    }, () => 'busy');
    const message = admission.run(false, async () => {
      ran.push('message');
      return 'message';
    }, () => 'busy');
    await vi.advanceTimersByTimeAsync(1999);
    expect(admission.waiting).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(await click).toBe('busy'); // answered while the slot is still held
    expect(admission.shed).toBe(1);
    expect(admission.waiting).toBe(1);
    gate.resolve();
    expect(await holding).toBe('first');
    expect(await message).toBe('message');
    expect(ran).toEqual(['message']);
  });

  it('a click admitted before maxWaitMs runs normally', async () => {
    const admission = new Admission({ concurrency: 1, maxWaitMs: 2000 });
    const gate = deferred();
    const holding = admission.run(false, () => gate.promise.then(() => 'first'), () => 'busy');
    const click = admission.run(true, async () => 'click', () => 'busy');
    await vi.advanceTimersByTimeAsync(500);
    gate.resolve();
    expect([await holding, await click]).toEqual(['first', 'click']);
    expect(admission.shed).toBe(0);
  });

  it('a slot is given back when the work throws', async () => {
    const admission = new Admission({ concurrency: 1, maxWaitMs: 2000 });
    await expect(admission.run(false, () => Promise.reject(new Error('boom')), () => 'busy')).rejects.toThrow('boom');
    expect(await admission.run(true, async () => 'after', () => 'busy')).toBe('after');
  });
});
