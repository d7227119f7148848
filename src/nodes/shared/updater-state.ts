/**
 * An updater's stored state: loaded from node context once, kept in memory
 * afterwards, written back only when it changed (an unchanged run writes
 * nothing), tagged with the configuration so a change of it starts clean.
 */
import { loadState, saveState, type StateStore } from '../../core/state';

export class StateCache<State> {
  /** the state, and what the store holds as JSON ('' = nothing yet) */
  private memory?: { state: State; saved: string };
  private loading?: Promise<State>;

  constructor(
    private readonly store: StateStore,
    private readonly key: string,
    private readonly tag: string,
    private readonly normalise: (raw: unknown) => State,
  ) {}

  load(): Promise<State> {
    if (this.memory) return Promise.resolve(this.memory.state);
    this.loading ??= loadState<unknown>(this.store, this.key, this.tag, () => undefined).then(
      (raw) => {
        const state = this.normalise(raw);
        this.memory = { state, saved: raw === undefined ? '' : JSON.stringify(state) };
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

  /** Keeps `state` in memory and writes it when it differs from what the store holds. */
  async save(state: State): Promise<void> {
    const text = JSON.stringify(state);
    this.memory = { state, saved: this.memory?.saved ?? '' };
    if (text === this.memory.saved) return;
    await saveState(this.store, this.key, this.tag, JSON.parse(text) as unknown);
    this.memory = { state, saved: text };
  }
}
