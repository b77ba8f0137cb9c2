/**
 * Lark gives up on a card click after 3 seconds and shows the person an error, whatever happens
 * after. Under overload, letting every click queue for a connection only turns all of them into
 * timeouts (the bench at 200 clicks/s: about 1 in 100 answered in time), and each still takes
 * effect later, behind the error the person saw. So at most `concurrency` events are handled at
 * once, in arrival order; a card click that has waited `maxWaitMs` for its turn is answered at once
 * with a busy notice and changes nothing. Other events always wait their turn: Lark redelivers
 * those it got no answer for, and their dedupe key makes that safe.
 *
 * Waiting is measured on a monotonic clock: it is about elapsed time, not the business clock.
 */
export interface AdmissionOptions {
  concurrency: number;
  maxWaitMs: number;
  monotonic?: () => number;
}

interface Waiter {
  arrived: number;
  sheddable: boolean;
  admit(admitted: boolean): void;
  timer?: ReturnType<typeof setTimeout>;
}

export class Admission {
  private running = 0;
  private readonly queue: Waiter[] = [];
  private readonly monotonic: () => number;
  /** Card clicks answered busy since start (for logs and the benchmark). */
  shed = 0;

  constructor(private readonly options: AdmissionOptions) {
    this.monotonic = options.monotonic ?? (() => performance.now());
  }

  /** Runs `work` when a slot is free; returns `busy()` instead if a sheddable event waited too long. */
  async run<T>(sheddable: boolean, work: () => Promise<T>, busy: () => T): Promise<T> {
    if (!(await this.turn(sheddable))) {
      this.shed += 1;
      return busy();
    }
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.next();
    }
  }

  get waiting(): number {
    return this.queue.length;
  }

  private turn(sheddable: boolean): Promise<boolean> {
    if (this.running < this.options.concurrency && this.queue.length === 0) {
      this.running += 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = { arrived: this.monotonic(), sheddable, admit: resolve };
      // Answer in time even when no slot frees (a stuck database): give up the place in the queue.
      if (sheddable) {
        waiter.timer = setTimeout(() => {
          const index = this.queue.indexOf(waiter);
          if (index < 0) return;
          this.queue.splice(index, 1);
          resolve(false);
        }, this.options.maxWaitMs);
      }
      this.queue.push(waiter);
    });
  }

  private next(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      const waiter = this.queue.shift()!;
      clearTimeout(waiter.timer);
      if (waiter.sheddable && this.monotonic() - waiter.arrived >= this.options.maxWaitMs) {
        waiter.admit(false);
        continue;
      }
      this.running += 1;
      waiter.admit(true);
    }
  }
}
