/**
 * "The newest value wins": while one job runs, later inputs do not queue up;
 * only the most recent waits, and the ones it replaces are handed back so the
 * caller can finish them (Node-RED wants done() for every message).
 */
export class Coalescer<T> {
  private running = false;
  private pending: T | undefined;
  private hasPending = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly run: (item: T) => Promise<void>,
    private readonly superseded: (item: T, by: T) => void,
  ) {}

  push(item: T): void {
    if (!this.running) {
      void this.drain(item);
      return;
    }
    if (this.hasPending) this.superseded(this.pending as T, item);
    this.pending = item;
    this.hasPending = true;
  }

  /** Drops what waits (the node is closing); the caller finishes it. */
  takePending(): T | undefined {
    const item = this.hasPending ? this.pending : undefined;
    this.pending = undefined;
    this.hasPending = false;
    return item;
  }

  /** a job runs or waits */
  get busy(): boolean {
    return this.running || this.hasPending;
  }

  whenIdle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(first: T): Promise<void> {
    this.running = true;
    let item: T | undefined = first;
    let has = true;
    while (has) {
      try {
        await this.run(item as T);
      } catch {
        // run() reports its own failures; a throw here must not stop the queue
      }
      item = this.pending;
      has = this.hasPending;
      this.pending = undefined;
      this.hasPending = false;
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** Limits how many jobs run at once against one account (a provider's rate limits are per account). */
export class ConcurrencyLimit {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly max: number) {}

  async run<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await job();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.active++;
        resolve();
      };
      const onAbort = () => {
        const index = this.queue.indexOf(grant);
        if (index >= 0) this.queue.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(grant);
    });
  }

  private release(): void {
    this.active--;
    const next = this.queue.shift();
    if (next) next();
  }
}
