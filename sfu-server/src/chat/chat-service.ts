/**
 * Meeting chat, kept with the meeting: the public line ('all') to everyone in the room, and a
 * private line between each participant and the meeting's secretary (thread = the participant's
 * account id; the secretary sees each thread apart and answers in it). Who may read and post is
 * the policy's `chat.read` / `chat.post`: like Zoom and BigBlueButton, guests chat; observers read.
 */
import { randomUUID } from 'node:crypto';
import { CHAT_HISTORY_LIMIT, CHAT_RATE, type ChatMessage } from '../../../common/protocol/chat';
import { canOnMeeting, type Actor, type MeetingFacts } from '../auth/policy';
import { AppError, forbidden } from '../errors';
import type { MeetingsService } from '../meetings/meetings-service';
import type { Db } from '../store/database';
import type { ChatMessagesTable } from '../store/schema';
import type { Presence } from '../voting/eligibility';

export interface ChatServiceOptions {
  db: Db;
  meetings: MeetingsService;
  presence: Presence;
  /** Injected clock for tests. */
  now?: () => number;
  /** A message was stored and pushed to this server's peers (several servers: the others are told, cluster/chat-bridge.ts). */
  onStored?: ((meetingId: string, secretaryId: string, message: ChatMessage) => void) | undefined;
}

/** Whether a message of that thread reaches that account: everyone ('all'), the thread's participant, the secretary. */
export function chatReaches(thread: string, accountId: string, secretaryId: string): boolean {
  return thread === 'all' || accountId === thread || accountId === secretaryId;
}

const toMessage = (r: Omit<ChatMessagesTable, 'seq'> & { seq?: unknown }): ChatMessage => ({
  id: r.id,
  thread: r.thread,
  senderId: r.sender_id,
  senderName: r.sender_name,
  pointName: r.point_name,
  body: r.body,
  at: r.at,
});

export class ChatService {
  readonly #db: Db;
  readonly #meetings: MeetingsService;
  readonly #presence: Presence;
  readonly #now: () => number;
  readonly #onStored: ChatServiceOptions['onStored'];
  /** Recent post times per account, for the rate limit. */
  readonly #recent = new Map<string, number[]>();

  constructor(options: ChatServiceOptions) {
    this.#db = options.db;
    this.#meetings = options.meetings;
    this.#presence = options.presence;
    this.#now = options.now ?? Date.now;
    this.#onStored = options.onStored;
  }

  async #facts(actor: Actor, meetingId: string, action: 'chat.read' | 'chat.post'): Promise<MeetingFacts> {
    const facts = await this.#meetings.facts(actor, meetingId);
    if (!canOnMeeting(actor, action, facts)) throw forbidden(action === 'chat.post' && actor.role === 'observer' ? 'observers read the chat but do not post' : 'not allowed to use this chat');
    return facts;
  }

  async history(actor: Actor, meetingId: string): Promise<{ messages: ChatMessage[]; canPost: boolean; secretaryId: string; secretaryName: string }> {
    const facts = await this.#facts(actor, meetingId, 'chat.read');
    const isSecretary = actor.accountId === facts.secretaryId;
    const lines = async (thread: string | null) => {
      let q = this.#db.selectFrom('chat_messages').selectAll().where('meeting_id', '=', meetingId);
      q = thread === null ? q.where('thread', '!=', 'all') : q.where('thread', '=', thread);
      const rows = await q.orderBy('seq', 'desc').limit(thread === null ? CHAT_HISTORY_LIMIT * 5 : CHAT_HISTORY_LIMIT).execute();
      return rows.reverse().map(toMessage);
    };
    const pub = await lines('all');
    const priv = isSecretary ? await lines(null) : actor.role === 'observer' ? [] : await lines(actor.accountId);
    const secretary = await this.#db.selectFrom('accounts').select('display_name').where('id', '=', facts.secretaryId).executeTakeFirst();
    const messages = [...pub, ...priv].sort((a, b) => a.at.localeCompare(b.at));
    return { messages, canPost: canOnMeeting(actor, 'chat.post', facts), secretaryId: facts.secretaryId, secretaryName: secretary?.display_name ?? '' };
  }

  #limit(accountId: string): void {
    const now = this.#now();
    const recent = (this.#recent.get(accountId) ?? []).filter((t) => now - t < CHAT_RATE.windowMs);
    if (recent.length >= CHAT_RATE.messages) {
      throw new AppError('rate_limited', `at most ${CHAT_RATE.messages} messages per ${CHAT_RATE.windowMs / 1000} s`, { retryAfterSeconds: Math.ceil((CHAT_RATE.windowMs - (now - recent[0]!)) / 1000) });
    }
    recent.push(now);
    this.#recent.set(accountId, recent);
  }

  /** `to`: 'all', 'secretary' (the caller's private line), or — for the secretary — the participant's account id. */
  async send(actor: Actor, meetingId: string, to: string, body: string, sender: { displayName: string; pointName: string }): Promise<ChatMessage> {
    const facts = await this.#facts(actor, meetingId, 'chat.post');
    const isSecretary = actor.accountId === facts.secretaryId;
    let thread: string;
    if (to === 'all') thread = 'all';
    else if (to === 'secretary') {
      if (isSecretary) throw new AppError('bad_request', 'the secretary answers in a participant\'s thread');
      thread = actor.accountId;
    } else {
      if (!isSecretary) throw forbidden('only the secretary writes into a participant\'s private thread');
      const known = await this.#db.selectFrom('chat_messages').select('id').where('meeting_id', '=', meetingId).where('thread', '=', to).limit(1).executeTakeFirst();
      const present = this.#presence.peers(meetingId).some((p) => p.accountId === to);
      if (!known && !present) throw new AppError('not_found', 'no such participant in this meeting');
      thread = to;
    }
    this.#limit(actor.accountId);
    const message: ChatMessage = { id: randomUUID(), thread, senderId: actor.accountId, senderName: sender.displayName, pointName: sender.pointName, body, at: new Date(this.#now()).toISOString() };
    await this.#db
      .insertInto('chat_messages')
      .values({ id: message.id, meeting_id: meetingId, thread, sender_id: message.senderId, sender_name: message.senderName, point_name: message.pointName, body, at: message.at })
      .execute();
    for (const peer of this.#presence.peers(meetingId)) {
      if (chatReaches(thread, peer.accountId, facts.secretaryId)) peer.notify('chatMessage', message);
    }
    this.#onStored?.(meetingId, facts.secretaryId, message);
    return message;
  }
}
