/**
 * Signatures prepared and not yet finished, in memory, bounded:
 *   - each keeps only what the preparation appended to the stored version (the incremental update
 *     with the empty signature, tens of KB), not the whole PDF: the version's bytes are read again
 *     from the store (by their SHA-256) when the prepared PDF is needed;
 *   - each lives `ttlMs` (10 minutes) and is dropped by a timer when it expires, not only when the
 *     next one is made; it is dropped at once when it is finished or discarded;
 *   - an account holds at most `perAccount` (its oldest goes first), the server at most `total`.
 */
import type { PreparedSignature } from './pades';

/** What the store needs of a preparation (the signing service adds its own fields). */
export interface StoredPreparation {
  id: string;
  documentId: string;
  accountId: string;
  /** SHA-256 of the stored version the preparation extends. */
  baseSha256: string;
  signature: PreparedSignature;
  expiresAt: number;
}

type Held<P extends StoredPreparation> = Omit<P, 'signature'> & {
  signature: Omit<PreparedSignature, 'prepared'> & { prepared: Omit<PreparedSignature['prepared'], 'pdf'> };
  /** Bytes of the stored version the prepared PDF begins with, and what follows them. */
  baseLength: number;
  tail: Uint8Array;
};

export interface PreparationLimits {
  ttlMs: number;
  perAccount: number;
  total: number;
}

export const DEFAULT_PREPARATION_LIMITS: PreparationLimits = { ttlMs: 10 * 60_000, perAccount: 5, total: 500 };

export class PreparationStore<P extends StoredPreparation> {
  readonly limits: PreparationLimits;
  readonly #held = new Map<string, Held<P>>();
  readonly #readBase: (sha256: string) => Uint8Array | Promise<Uint8Array>;
  readonly #timer: NodeJS.Timeout;

  constructor(readBase: (sha256: string) => Uint8Array | Promise<Uint8Array>, limits: Partial<PreparationLimits> = {}) {
    this.limits = { ...DEFAULT_PREPARATION_LIMITS, ...limits };
    this.#readBase = readBase;
    this.#timer = setInterval(() => this.sweep(), Math.min(30_000, this.limits.ttlMs));
    this.#timer.unref();
  }

  /** Keeps a preparation whose PDF is `baseLength` bytes of the stored version followed by its update. */
  put(prep: P, baseLength: number): void {
    this.sweep();
    const mine = [...this.#held.values()].filter((p) => p.accountId === prep.accountId).sort((a, b) => a.expiresAt - b.expiresAt);
    while (mine.length >= this.limits.perAccount) this.#held.delete(mine.shift()!.id);
    while (this.#held.size >= this.limits.total) this.#held.delete(this.#held.keys().next().value!);
    const { pdf, ...prepared } = prep.signature.prepared;
    this.#held.set(prep.id, { ...prep, signature: { ...prep.signature, prepared }, baseLength, tail: pdf.slice(baseLength) });
  }

  /** The preparation with its whole prepared PDF, or null when there is none (or it expired). */
  async get(id: string): Promise<P | null> {
    const held = this.#held.get(id);
    if (!held || held.expiresAt < Date.now()) return null;
    const base = await this.#readBase(held.baseSha256);
    if (base.length !== held.baseLength) return null;
    const pdf = new Uint8Array(held.baseLength + held.tail.length);
    pdf.set(base, 0);
    pdf.set(held.tail, held.baseLength);
    const { baseLength: _b, tail: _t, ...rest } = held;
    return { ...rest, signature: { ...held.signature, prepared: { ...held.signature.prepared, pdf } } } as unknown as P;
  }

  /** Who made it, for which document, until when (without reading the PDF). */
  peek(id: string): Omit<P, 'signature'> | null {
    const held = this.#held.get(id);
    if (!held || held.expiresAt < Date.now()) return null;
    const { baseLength: _b, tail: _t, signature: _s, ...rest } = held;
    return rest as unknown as Omit<P, 'signature'>;
  }

  delete(id: string): void {
    this.#held.delete(id);
  }

  sweep(now = Date.now()): void {
    for (const [id, p] of this.#held) if (p.expiresAt < now) this.#held.delete(id);
  }

  /** How many are held and the bytes they keep. */
  size(): { count: number; bytes: number } {
    let bytes = 0;
    for (const p of this.#held.values()) bytes += p.tail.byteLength;
    return { count: this.#held.size, bytes };
  }

  close(): void {
    clearInterval(this.#timer);
    this.#held.clear();
  }
}
