/**
 * Authorship of the marks in a shared annotation layer, enforced on the server: a participant may
 * add marks only in their own name and change or erase only their own marks. (The meeting's chair
 * and secretary moderate the layer: they get no guard.) Without this a modified client could draw
 * in the chair's name or erase a colleague's notes, and every screen would show it as genuine.
 *
 * The check reads an incoming Yjs update before it is applied (Y.decodeUpdate), looking only at
 * what the server does not have yet, and finds for each new item and each deletion the mark it
 * belongs to (see mark-model.ts in the renderer for the layout):
 *   top-level Y.Array `marks/<version>/<page>` → Y.Map mark { author, authorName, …, points: Y.Array }
 * A new item's parent is written in the update only when it has no neighbour; otherwise it is
 * the parent of its left (or right) neighbour, which may be in the server's document or earlier
 * in the same update.
 *
 * Only complete updates are accepted from a guarded writer: every item's neighbours and parent, and
 * every deleted range, must be in the server's document or in the update itself. Yjs keeps an update
 * with missing dependencies *pending* and applies it later, when the missing items arrive; such an
 * update could not be checked now (its items' marks do not exist yet), and applied later it would
 * let a delegate erase the chair's next marks or pre-write another person's next note. An honest
 * client never sends one: it only ever refers to items it has, and sends everything the server lacks.
 */
import * as Y from 'yjs';

export interface MarkAuthor {
  accountId: string;
  displayName: string;
}

/** Returns why the update is refused, or null when it only touches the author's own marks. */
export type UpdateGuard = (doc: Y.Doc, update: Uint8Array) => string | null;

const MARKS_PREFIX = 'marks/';

type Struct = Y.Item | Y.GC | Y.Skip;
/** Where an item hangs: a top-level type (by name), inside another item's type, or nowhere known. */
type Parent = { root: string } | { item: Y.Item; server: boolean } | null;
interface Where {
  parent: Parent;
  /** Its key, for an item of a map. */
  sub: string | null;
}

class Refusal extends Error {}

export function markAuthorshipGuard(author: MarkAuthor): UpdateGuard {
  return (doc, update) => {
    try {
      new UpdateCheck(doc, update, author).run();
      return null;
    } catch (err) {
      if (err instanceof Refusal) return err.message;
      throw err;
    }
  };
}

class UpdateCheck {
  readonly #doc: Y.Doc;
  readonly #author: MarkAuthor;
  readonly #structs: Struct[];
  readonly #ds: ReturnType<typeof Y.decodeUpdate>['ds'];
  /** Update items by client, in clock order. */
  readonly #byClient = new Map<number, Y.Item[]>();
  /** Marks made in this update whose `author` key it sets (already checked to be the author). */
  readonly #authoredHere = new Set<Y.Item>();
  /** Where each of the update's items hangs, once found. */
  readonly #memo = new Map<Y.Item, Where>();

  constructor(doc: Y.Doc, update: Uint8Array, author: MarkAuthor) {
    this.#doc = doc;
    this.#author = author;
    const decoded = Y.decodeUpdate(update);
    this.#structs = decoded.structs;
    this.#ds = decoded.ds;
    for (const s of this.#structs) {
      if (!(s instanceof Y.Item)) continue;
      const list = this.#byClient.get(s.id.client) ?? [];
      list.push(s);
      this.#byClient.set(s.id.client, list);
    }
    for (const list of this.#byClient.values()) list.sort((x, y) => x.id.clock - y.id.clock);
  }

  run(): void {
    this.#checkComplete();
    const fresh = this.#structs.filter((s): s is Y.Item => s instanceof Y.Item && !this.#known(s.id.client, s.id.clock + s.length - 1));
    // The keys first: a new mark's author is set in the same update as its points.
    for (const item of fresh) {
      const sub = this.#parentSub(item, false);
      if (sub === 'author' || sub === 'authorName') this.#checkKey(item, sub);
    }
    for (const item of fresh) this.#checkInsert(item);
    this.#checkDeletions();
  }

  /**
   * Refuses an update Yjs would keep pending: a gap in a client's clocks, an item whose neighbour
   * or parent is neither on the server nor in the update, a deletion of clocks nobody has yet.
   */
  #checkComplete(): void {
    // Each client's clock reached once this update is applied: the server's, extended by the
    // update's items only where they follow on without a gap.
    const reach = new Map<number, number>();
    const reached = (client: number) => reach.get(client) ?? Y.getState(this.#doc.store, client);
    for (const s of this.#structs) {
      if (s instanceof Y.Skip) continue; // a hole left by merging: what follows it must already be known
      const client = s.id.client;
      const at = reached(client);
      if (s.id.clock > at) throw new Refusal('an update that depends on changes the server does not have');
      reach.set(client, Math.max(at, s.id.clock + s.length));
    }
    const have = (id: Y.ID | null) => id === null || id.clock < reached(id.client);
    for (const s of this.#structs) {
      if (!(s instanceof Y.Item) || this.#known(s.id.client, s.id.clock + s.length - 1)) continue;
      if (!have(s.origin) || !have(s.rightOrigin) || (s.parent instanceof Y.ID && !have(s.parent))) {
        throw new Refusal('an update that depends on changes the server does not have');
      }
    }
    for (const [client, ranges] of this.#ds.clients) {
      for (const { clock, len } of ranges) {
        if (clock + len > reached(client)) throw new Refusal('a deletion of changes the server does not have');
      }
    }
  }

  /** Whether the server already has this clock of this client. */
  #known(client: number, clock: number): boolean {
    return clock < Y.getState(this.#doc.store, client);
  }

  /** The item holding this id: the server's when it has it, else the update's; null if neither (or collected). */
  #find(id: Y.ID): { item: Y.Item; server: boolean } | null {
    if (this.#known(id.client, id.clock)) {
      const s = Y.getItem(this.#doc.store, id) as Struct;
      return s instanceof Y.Item ? { item: s, server: true } : null;
    }
    // The update's items of one client are in clock order: binary search.
    const list = this.#byClient.get(id.client);
    if (!list) return null;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const item = list[mid]!;
      if (id.clock < item.id.clock) hi = mid - 1;
      else if (id.clock >= item.id.clock + item.length) lo = mid + 1;
      else return { item, server: false };
    }
    return null;
  }

  #parentOf(item: Y.Item, server: boolean): Parent {
    return this.#where(item, server).parent;
  }

  #parentSub(item: Y.Item, server: boolean): string | null {
    return this.#where(item, server).sub;
  }

  /**
   * Where an item hangs (parent and key). An update's item without its own parent takes its
   * neighbour's, which may take its own neighbour's...: the chain is walked once, without recursion,
   * and every item on it remembered (a resync of a big layer holds long chains).
   */
  #where(item: Y.Item, server: boolean): Where {
    if (server) {
      const parent = item.parent as Y.AbstractType<unknown> | null;
      if (!parent) return { parent: null, sub: item.parentSub };
      return { parent: parent._item ? { item: parent._item, server: true } : { root: Y.findRootTypeKey(parent) }, sub: item.parentSub };
    }
    const chain: Y.Item[] = [];
    let at: { item: Y.Item; server: boolean } | null = { item, server: false };
    let found: Where = { parent: null, sub: null };
    while (at) {
      const known = at.server ? this.#where(at.item, true) : this.#memo.get(at.item);
      if (known) {
        found = known;
        break;
      }
      const it: Y.Item = at.item;
      if (typeof it.parent === 'string') {
        found = { parent: { root: it.parent }, sub: it.parentSub };
        this.#memo.set(it, found);
        break;
      }
      if (it.parent instanceof Y.ID) {
        found = { parent: this.#find(it.parent), sub: it.parentSub };
        this.#memo.set(it, found);
        break;
      }
      chain.push(it);
      if (chain.length > this.#structs.length + 1) throw new Refusal('update chained in a loop');
      at = (it.origin && this.#find(it.origin)) || (it.rightOrigin && this.#find(it.rightOrigin)) || null;
    }
    for (const it of chain) this.#memo.set(it, found);
    return found;
  }

  /**
   * The mark (the item of its Y.Map, a direct child of a `marks/…` array) that something inside
   * `parent` belongs to; null when it is not inside a mark (other content is not this guard's
   * business: nothing shows it as anyone's).
   */
  #markOf(parent: { item: Y.Item; server: boolean }): { item: Y.Item; server: boolean } | null {
    let top = parent;
    for (let depth = 0; depth < 100; depth++) {
      const up = this.#parentOf(top.item, top.server);
      if (!up) return null;
      if ('root' in up) return up.root.startsWith(MARKS_PREFIX) ? top : null;
      top = up;
    }
    throw new Refusal('annotation nested too deeply');
  }

  /** A mark's `author` or `authorName` key: only the writer's own. */
  #checkKey(item: Y.Item, key: 'author' | 'authorName'): void {
    if (item.deleted) return;
    const parent = this.#parentOf(item, false);
    if (!parent || 'root' in parent || this.#markOf(parent)?.item !== parent.item) return; // not a mark's own key
    const expected = key === 'author' ? this.#author.accountId : this.#author.displayName;
    const value = item.content instanceof Y.ContentAny ? item.content.getContent()[0] : undefined;
    if (value !== expected) throw new Refusal(key === 'author' ? 'a mark in another person’s name' : 'a mark under another name');
    // Only a mark made in this same update is vouched for by its key; an existing one keeps the
    // author the server has (re-setting `author` there is a write into that mark, checked as such).
    if (!parent.server && key === 'author') this.#authoredHere.add(parent.item);
  }

  #checkInsert(item: Y.Item): void {
    const parent = this.#parentOf(item, false);
    // Hanging on something collected (deleted long ago): Yjs drops it as deleted too.
    // A new mark (its keys say whose it is), or content outside the marks.
    if (!parent || 'root' in parent) return;
    const mark = this.#markOf(parent);
    if (mark) this.#checkOwn(mark);
  }

  #checkOwn(mark: { item: Y.Item; server: boolean }): void {
    if (this.#authoredHere.has(mark.item)) return;
    const type = mark.server && mark.item.content instanceof Y.ContentType ? mark.item.content.type : null;
    const author = type instanceof Y.Map ? (type as Y.Map<unknown>).get('author') : undefined;
    if (author !== this.#author.accountId) throw new Refusal('another person’s mark');
  }

  /** Erasing (or changing) something the server has: only inside one's own marks. */
  #checkDeletions(): void {
    for (const [client, ranges] of this.#ds.clients) {
      for (const { clock, len } of ranges) {
        const end = Math.min(clock + len, Y.getState(this.#doc.store, client));
        for (let c = clock; c < end; ) {
          const s = Y.getItem(this.#doc.store, Y.createID(client, c)) as Struct;
          c = s.id.clock + s.length;
          if (!(s instanceof Y.Item) || s.deleted) continue;
          const parent = this.#parentOf(s, true);
          if (!parent) continue;
          const mark = 'root' in parent ? (parent.root.startsWith(MARKS_PREFIX) ? { item: s, server: true } : null) : this.#markOf(parent);
          if (mark) this.#checkOwn(mark);
        }
      }
    }
  }
}
