/**
 * The documents engine of one conference: the pack, the presentation (who presents which
 * document at which page), what this person has open and whether they follow the presenter, and
 * the comments. Shared by the "Tài liệu" panel and the viewer overlay of the same room; talks to
 * the server only through the conference engine (request / on / onJoined).
 */
import type { DocComment, DocumentPack, MeetingDocument } from '../../../../common/api/documents';
import type { PresentationState } from '../../../../common/protocol/documents';
import { ApiRequestError } from '../../net/api-client';
import type { ConferenceEngine } from '../conference/conference-engine';
import { withComment } from './comment-list';
import { comments as fetchComments, pack as fetchPack } from './documents-api';
import { connectivity } from '../../offline/connectivity';
import { cachedPack, savePack } from './offline-cache';

export interface RoomDocumentsState {
  pack: DocumentPack | null;
  offline: boolean;
  packError: unknown;
  presentation: PresentationState;
  /** The caller is an organiser (may present, may stop others). */
  mayPresent: boolean;
  mayDesignate: boolean;
  /** The document open in this viewer. */
  open: { documentId: string; versionId: string } | null;
  /** Following the presenter (their document and page). */
  following: boolean;
  /** A page the viewer must go to; `seq` grows with every request. */
  target: { page: number; seq: number } | null;
  /** The page this viewer shows. */
  page: number;
  comments: DocComment[];
  error: unknown;
}

const EMPTY: PresentationState = { presentation: null, designatedAccountId: null };
const SET_PAGE_DELAY_MS = 120;

export class RoomDocuments {
  #state: RoomDocumentsState = { pack: null, offline: false, packError: null, presentation: EMPTY, mayPresent: false, mayDesignate: false, open: null, following: true, target: null, page: 1, comments: [], error: null };
  readonly #listeners = new Set<() => void>();
  #seq = 0;
  #pageTimer: ReturnType<typeof setTimeout> | null = null;
  #stops: (() => void)[] = [];

  constructor(
    readonly engine: ConferenceEngine,
    readonly meetingId: string,
    readonly accountId: string,
  ) {
    this.#stops.push(
      engine.onJoined(() => void this.#refresh()),
      engine.on('docPresentation', (s) => this.#apply(s)),
      engine.on('docPackChanged', () => void this.reloadPack()),
      engine.on('docComment', ({ comment }) => this.#set({ comments: withComment(this.#state.comments, comment) })),
    );
  }

  dispose(): void {
    for (const stop of this.#stops) stop();
    if (this.#pageTimer) clearTimeout(this.#pageTimer);
  }

  subscribe = (listener: () => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };
  getSnapshot = () => this.#state;

  #set(patch: Partial<RoomDocumentsState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const l of this.#listeners) l();
  }

  get presentingMyself(): boolean {
    return this.#state.presentation.presentation?.presenterAccountId === this.accountId;
  }

  /** May this person present now (an organiser, or the one the chair designated)? */
  get canPresent(): boolean {
    return this.#state.mayPresent || this.#state.presentation.designatedAccountId === this.accountId;
  }

  documentById(id: string): MeetingDocument | null {
    return this.#state.pack?.items.flatMap((i) => i.documents).find((d) => d.id === id) ?? null;
  }

  async #refresh(): Promise<void> {
    await Promise.all([
      this.reloadPack(),
      this.engine.request('doc.presentation', {}).then(
        (r) => {
          this.#set({ mayPresent: r.mayPresent, mayDesignate: r.mayDesignate });
          this.#apply(r.state, true);
        },
        () => undefined,
      ),
    ]);
  }

  async reloadPack(): Promise<void> {
    try {
      const pack = await fetchPack(this.meetingId);
      this.#set({ pack, offline: false, packError: null });
      void savePack(this.accountId, pack);
      if (pack.published || pack.canManage) fetchComments(this.meetingId).then((comments) => this.#set({ comments }), () => undefined);
    } catch (err) {
      const cached = err instanceof ApiRequestError && err.status === 0 ? await cachedPack(this.accountId, this.meetingId) : null;
      if (cached) {
        this.#set({ pack: cached.pack, offline: true, packError: null });
        connectivity.showingKept(cached.keptAt);
      }
      else this.#set({ packError: err });
    }
  }

  #apply(state: PresentationState, rejoin = false): void {
    const before = this.#state.presentation.presentation;
    const p = state.presentation;
    this.#set({ presentation: state });
    if (!p || p.presenterAccountId === this.accountId) return;
    // A new presentation (or a new document) is followed again; a page turn is followed if following.
    const fresh = !before || before.presenterAccountId !== p.presenterAccountId || before.documentId !== p.documentId || before.versionId !== p.versionId;
    if (fresh && !rejoin) this.#set({ following: true });
    if (fresh && rejoin && !this.#state.open) this.#set({ following: true });
    if (this.#state.following) this.#followTo(p.documentId, p.versionId, p.page);
  }

  #followTo(documentId: string, versionId: string, page: number): void {
    const open = this.#state.open;
    const same = open?.documentId === documentId && open.versionId === versionId;
    this.#set({ open: same ? open : { documentId, versionId }, target: { page, seq: ++this.#seq } });
  }

  /** The reader opens a document themselves. */
  open(doc: MeetingDocument, versionId = doc.versions[0]!.id): void {
    const p = this.#state.presentation.presentation;
    const following = Boolean(p && p.presenterAccountId !== this.accountId && p.documentId === doc.id && p.versionId === versionId && this.#state.following);
    this.#set({ open: { documentId: doc.id, versionId }, following, target: { page: following && p ? p.page : 1, seq: ++this.#seq }, page: 1 });
  }

  setVersion(versionId: string): void {
    const open = this.#state.open;
    if (!open) return;
    this.#set({ open: { ...open, versionId }, following: false, target: { page: 1, seq: ++this.#seq } });
  }

  close(): void {
    this.#set({ open: null, following: false });
  }

  /** The viewer shows another page: the presenter's turns go to everyone; a follower who browses stops following. */
  onPageChange = (page: number, byUser: boolean): void => {
    this.#set({ page });
    const p = this.#state.presentation.presentation;
    if (!p) return;
    const open = this.#state.open;
    if (p.presenterAccountId === this.accountId) {
      if (open?.documentId !== p.documentId || open.versionId !== p.versionId) return;
      if (this.#pageTimer) clearTimeout(this.#pageTimer);
      this.#pageTimer = setTimeout(() => {
        this.#pageTimer = null;
        this.engine.request('doc.setPage', { page: this.#state.page }).catch((err: unknown) => this.#set({ error: err }));
      }, SET_PAGE_DELAY_MS);
      return;
    }
    if (byUser && this.#state.following && page !== p.page) this.#set({ following: false });
  };

  /** Back to the presenter's document and page. */
  follow(): void {
    const p = this.#state.presentation.presentation;
    if (!p) return;
    this.#set({ following: true });
    this.#followTo(p.documentId, p.versionId, p.page);
  }

  async present(doc: MeetingDocument, versionId?: string): Promise<void> {
    const open = this.#state.open;
    const v = versionId ?? (open?.documentId === doc.id ? open.versionId : doc.versions[0]!.id);
    const page = open?.documentId === doc.id && open.versionId === v ? this.#state.page : 1;
    try {
      const state = await this.engine.request('doc.present', { documentId: doc.id, versionId: v, page });
      this.#set({ presentation: state, open: { documentId: doc.id, versionId: v }, error: null });
      if (!(open?.documentId === doc.id && open.versionId === v)) this.#set({ target: { page, seq: ++this.#seq } });
    } catch (err) {
      this.#set({ error: err });
    }
  }

  async stopPresenting(): Promise<void> {
    try {
      this.#set({ presentation: await this.engine.request('doc.stopPresenting', {}), error: null });
    } catch (err) {
      this.#set({ error: err });
    }
  }

  async designate(accountId: string | null): Promise<void> {
    try {
      this.#set({ presentation: await this.engine.request('doc.designate', { accountId }), error: null });
    } catch (err) {
      this.#set({ error: err });
    }
  }

  addComment(comment: DocComment): void {
    this.#set({ comments: withComment(this.#state.comments, comment) });
  }
}

const stores = new WeakMap<ConferenceEngine, RoomDocuments>();

/** The one documents engine of a conference engine (made on first use). */
export function roomDocumentsOf(engine: ConferenceEngine, meetingId: string, accountId: string): RoomDocuments {
  let s = stores.get(engine);
  if (!s || s.meetingId !== meetingId || s.accountId !== accountId) {
    s?.dispose();
    s = new RoomDocuments(engine, meetingId, accountId);
    stores.set(engine, s);
  }
  return s;
}
