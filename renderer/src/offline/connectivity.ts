/**
 * Whether the server can be reached, as the app's own requests find it, and since when; and
 * whether a screen is showing data kept on this device (with the time it was kept). The API
 * client and the document loader report here; the global banner (features/offline) shows it.
 * While the server is unreachable a light probe (`/api/health`, every 10 s) notices its return
 * even when the screen makes no request of its own.
 */
export interface ConnectivityView {
  /** ISO time of the first failed request since the server was last reached, or null when reachable. */
  offlineSince: string | null;
  /** Something on screen comes from this device's copy; `keptAt`: when that copy was made (ISO), if known. */
  showingKept: { keptAt: string | null } | null;
}

type Probe = () => Promise<boolean>;

export class Connectivity {
  #view: ConnectivityView = { offlineSince: null, showingKept: null };
  readonly #listeners = new Set<() => void>();
  #probe: Probe | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly now: () => Date = () => new Date(),
    private readonly probeEveryMs = 10_000,
  ) {}

  getView = (): ConnectivityView => this.#view;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** How to check that the server is back (set once by the API client). */
  setProbe(probe: Probe): void {
    this.#probe = probe;
  }

  /** A request reached the server (whatever its answer). */
  reached(): void {
    this.#stopProbing();
    if (this.#view.offlineSince !== null || this.#view.showingKept !== null) this.#set({ offlineSince: null, showingKept: null });
  }

  /** A request could not reach the server. */
  unreachable(): void {
    if (this.#view.offlineSince === null) this.#set({ offlineSince: this.now().toISOString() });
    this.#startProbing();
  }

  /** A screen shows data kept on the device; the oldest known copy time is kept. */
  showingKept(keptAt: string | null): void {
    const old = this.#view.showingKept;
    const at = old?.keptAt && keptAt ? (old.keptAt < keptAt ? old.keptAt : keptAt) : (old?.keptAt ?? keptAt);
    if (old && old.keptAt === at) return;
    this.#set({ showingKept: { keptAt: at } });
  }

  #startProbing(): void {
    if (this.#timer || !this.#probe || typeof setInterval === 'undefined') return;
    this.#timer = setInterval(() => {
      void this.#probe?.().then(
        (ok) => ok && this.reached(),
        () => undefined,
      );
    }, this.probeEveryMs);
  }

  #stopProbing(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #set(patch: Partial<ConnectivityView>): void {
    this.#view = { ...this.#view, ...patch };
    for (const l of this.#listeners) l();
  }
}

export const connectivity = new Connectivity();
