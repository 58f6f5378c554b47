/**
 * Presenting a document in the conference. One state per meeting room: who presents which
 * document version at which page, and whom the chair designated. Everyone joined gets
 * `docPresentation` on every change; late joiners and reconnecting clients ask `doc.presentation`.
 * The presenter leaving the room ends the presentation.
 */
import type { PresentationState } from '../../../common/protocol/documents';
import { canDesignatePresenter, canPresentDocuments } from '../auth/policy';
import { AppError, forbidden, notFound } from '../errors';
import type { ConferenceContext } from '../media/conference-handlers';
import type { Room } from '../media/room';
import type { Rooms } from '../media/rooms';
import type { MeetingsService } from '../meetings/meetings-service';
import type { Handlers } from '../signaling/handlers';
import type { DocumentsService } from './documents-service';

/** How long a presenter may be gone (a reconnect) before the presentation ends. */
export const PRESENTER_GRACE_MS = 8000;

export class Presentations {
  readonly #states = new Map<string, PresentationState>();

  constructor(readonly rooms: Rooms) {
    rooms.events.on('peerLeft', (room, peer) => {
      if (room.peers.size === 0) {
        this.#states.delete(room.name);
        return;
      }
      if (this.#states.get(room.name)?.presentation?.presenterAccountId !== peer.identity.accountId) return;
      // A reconnecting presenter is back within seconds: only an absence ends the presentation.
      setTimeout(() => {
        const state = this.#states.get(room.name);
        const back = [...room.peers.values()].some((p) => p.identity.accountId === peer.identity.accountId);
        if (!back && state?.presentation?.presenterAccountId === peer.identity.accountId) this.set(room.name, { ...state, presentation: null });
      }, PRESENTER_GRACE_MS).unref();
    });
  }

  get(meetingId: string): PresentationState {
    return this.#states.get(meetingId) ?? { presentation: null, designatedAccountId: null };
  }

  set(meetingId: string, state: PresentationState): PresentationState {
    this.#states.set(meetingId, state);
    this.rooms.broadcast(meetingId, 'docPresentation', state);
    return state;
  }
}

function inRoom(ctx: ConferenceContext): Room {
  if (!ctx.peer || !ctx.room) throw new AppError('not_joined', 'join a meeting first');
  return ctx.room;
}

export function presentationHandlers(presentations: Presentations, meetings: MeetingsService, docs: DocumentsService): Handlers<ConferenceContext> {
  return {
    async 'doc.presentation'(ctx) {
      const room = inRoom(ctx);
      const facts = await meetings.facts(ctx.actor, room.name);
      const state = presentations.get(room.name);
      return { state, mayPresent: canPresentDocuments(ctx.actor, facts, state.designatedAccountId), mayDesignate: canDesignatePresenter(ctx.actor, facts) };
    },
    async 'doc.present'(ctx, data) {
      const room = inRoom(ctx);
      const facts = await meetings.facts(ctx.actor, room.name);
      const state = presentations.get(room.name);
      if (!canPresentDocuments(ctx.actor, facts, state.designatedAccountId)) throw forbidden('only the chair, the secretary or the designated presenter presents');
      const meetingId = await docs.readableMeeting(ctx.actor, data.documentId);
      if (meetingId !== room.name) throw notFound('document');
      const version = await docs.db.selectFrom('document_versions').select('page_count').where('id', '=', data.versionId).where('document_id', '=', data.documentId).executeTakeFirst();
      if (!version) throw notFound('version');
      if (data.page > version.page_count) throw new AppError('bad_request', `the document has ${version.page_count} pages`, { field: 'page' });
      const name = ctx.peer!.identity.pointName || ctx.peer!.identity.displayName;
      return presentations.set(room.name, {
        ...state,
        presentation: { presenterAccountId: ctx.actor.accountId, presenterName: name, documentId: data.documentId, versionId: data.versionId, page: data.page },
      });
    },
    async 'doc.setPage'(ctx, data) {
      const room = inRoom(ctx);
      const state = presentations.get(room.name);
      const p = state.presentation;
      if (!p) throw new AppError('conflict', 'nobody is presenting');
      if (p.presenterAccountId !== ctx.actor.accountId) throw forbidden('only the presenter turns the pages');
      const version = await docs.db.selectFrom('document_versions').select('page_count').where('id', '=', p.versionId).executeTakeFirst();
      if (!version) throw notFound('version');
      if (data.page > version.page_count) throw new AppError('bad_request', `the document has ${version.page_count} pages`, { field: 'page' });
      if (data.page === p.page) return state;
      return presentations.set(room.name, { ...state, presentation: { ...p, page: data.page } });
    },
    async 'doc.stopPresenting'(ctx) {
      const room = inRoom(ctx);
      const state = presentations.get(room.name);
      if (!state.presentation) return state;
      const facts = await meetings.facts(ctx.actor, room.name);
      // The presenter stops; the chair and the secretary may stop anyone.
      if (state.presentation.presenterAccountId !== ctx.actor.accountId && !canPresentDocuments(ctx.actor, facts, null)) throw forbidden('only the presenter or an organiser stops a presentation');
      return presentations.set(room.name, { ...state, presentation: null });
    },
    async 'doc.designate'(ctx, data) {
      const room = inRoom(ctx);
      const facts = await meetings.facts(ctx.actor, room.name);
      if (!canDesignatePresenter(ctx.actor, facts)) throw forbidden('only the chair designates a presenter');
      if (data.accountId) {
        const account = await meetings.db.selectFrom('accounts').select(['id', 'disabled']).where('id', '=', data.accountId).executeTakeFirst();
        if (!account || account.disabled) throw notFound('account');
      }
      const state = presentations.get(room.name);
      const p = state.presentation;
      // Taking the right back ends that person's presentation (the organisers' own go on).
      const ends = p && p.presenterAccountId === state.designatedAccountId && p.presenterAccountId !== data.accountId && p.presenterAccountId !== facts.chairId && p.presenterAccountId !== facts.secretaryId && p.presenterAccountId !== facts.createdBy;
      return presentations.set(room.name, { presentation: ends ? null : p, designatedAccountId: data.accountId });
    },
  };
}
