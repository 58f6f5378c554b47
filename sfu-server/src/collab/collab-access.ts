/**
 * Who may open which collaboration document. A document name is slash-separated segments; the
 * first one picks the resolver registered for it (`doc/…` for annotations; later features add
 * theirs, e.g. `minutes/<meetingId>`). A resolver answers with a grant (read or write) or null;
 * anything it does not recognise is refused.
 */
import type { Actor } from '../auth/policy';
import type { UpdateGuard } from './mark-authorship';

export type CollabMode = 'write' | 'read';

export interface CollabGrant {
  mode: CollabMode;
  /** The meeting this document belongs to: its connections are re-checked when the meeting changes. */
  meetingId: string | null;
  /** Checks each update of a writer before it is applied (refused → the connection is closed with 4403). */
  guard?: UpdateGuard;
}

/** `segments` are the name's segments after the prefix. */
export type CollabResolver = (actor: Actor, segments: string[]) => Promise<CollabGrant | null>;

export type CollabDecision = { ok: true; grant: CollabGrant } | { ok: false; code: number; reason: string };

/** Close codes of refused connections (sent before anything else, nothing else is sent). */
export const COLLAB_CLOSE = {
  badName: 4400,
  forbidden: 4403,
  /** Access changed (meeting ended, session ended): the client may reconnect and is checked again. */
  recheck: 4409,
  sessionEnded: 4003,
} as const;

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;
const MAX_NAME = 256;

export function parseDocName(name: string): string[] | null {
  if (name.length === 0 || name.length > MAX_NAME) return null;
  const segments = name.split('/');
  return segments.every((s) => SEGMENT.test(s)) ? segments : null;
}

export class CollabAccess {
  readonly #resolvers = new Map<string, CollabResolver>();

  /** Registers the resolver of the names starting with `prefix/`. */
  register(prefix: string, resolver: CollabResolver): this {
    if (!SEGMENT.test(prefix)) throw new Error(`bad collaboration prefix ${prefix}`);
    if (this.#resolvers.has(prefix)) throw new Error(`collaboration prefix ${prefix} is already registered`);
    this.#resolvers.set(prefix, resolver);
    return this;
  }

  async decide(actor: Actor, name: string): Promise<CollabDecision> {
    const segments = parseDocName(name);
    if (!segments) return { ok: false, code: COLLAB_CLOSE.badName, reason: 'bad document name' };
    const [prefix, ...rest] = segments;
    const resolver = this.#resolvers.get(prefix!);
    if (!resolver) return { ok: false, code: COLLAB_CLOSE.badName, reason: 'unknown document kind' };
    const grant = await resolver(actor, rest);
    return grant ? { ok: true, grant } : { ok: false, code: COLLAB_CLOSE.forbidden, reason: 'forbidden' };
  }
}
