/**
 * An updater's stored state: loaded from node context once, kept in memory
 * afterwards, written back only when it changed (an unchanged run writes
 * nothing), tagged with the configuration so a change of it starts clean.
 * State under the tag an earlier version gave the same configuration and login
 * (the per-instance key) is taken over once, so an upgrade neither resends
 * confirmed addresses nor forgets blocks.
 */
import { loadState, saveState, type StateStore } from './state';

export class StateCache<State> {
  /** the state, and what the store holds as JSON ('' = nothing yet) */
  private memory?: { state: State; saved: string };
  private loading?: Promise<State>;

  constructor(
    private readonly store: StateStore,
    private readonly key: string,
    private readonly tag: string,
    private readonly normalise: (raw: unknown) => State,
    /** a tag an earlier version gave the same configuration and login: its state is taken over and saved under `tag` */
    private readonly formerTag?: string,
  ) {}

  load(): Promise<State> {
    if (this.memory) return Promise.resolve(this.memory.state);
    this.loading ??= this.read().then(
      ({ raw, current }) => {
        const state = this.normalise(raw);
        // taken over from the former tag: '' so the next save writes it under the current one
        this.memory = { state, saved: raw === undefined || !current ? '' : JSON.stringify(state) };
        return state;
      },
      (err) => {
        // a store that failed is asked again next time
        this.loading = undefined;
        throw err;
      },
    );
    return this.loading;
  }

  private async read(): Promise<{ raw: unknown; current: boolean }> {
    const raw = await loadState<unknown>(this.store, this.key, this.tag, () => undefined);
    if (raw !== undefined || this.formerTag === undefined || this.formerTag === this.tag) return { raw, current: true };
    return { raw: await loadState<unknown>(this.store, this.key, this.formerTag, () => undefined), current: false };
  }

  /** Keeps `state` in memory and writes it when it differs from what the store holds. */
  async save(state: State): Promise<void> {
    const text = JSON.stringify(state);
    this.memory = { state, saved: this.memory?.saved ?? '' };
    if (text === this.memory.saved) return;
    await saveState(this.store, this.key, this.tag, JSON.parse(text) as unknown);
    this.memory = { state, saved: text };
  }
}
