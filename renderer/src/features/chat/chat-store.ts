/**
 * The chat of the meeting this client is in: history fetched after every (re)join, new messages
 * pushed by the server; unread count while the panel is closed. One store per conference engine.
 */
import { useSyncExternalStore } from 'react';
import type { ChatMessage } from '../../../../common/protocol';
import type { ConferenceEngine } from '../conference/conference-engine';

export interface ChatState {
  loaded: boolean;
  messages: ChatMessage[];
  canPost: boolean;
  secretaryId: string;
  secretaryName: string;
  unread: number;
}

export class ChatStore {
  #state: ChatState = { loaded: false, messages: [], canPost: false, secretaryId: '', secretaryName: '', unread: 0 };
  readonly #listeners = new Set<() => void>();
  readonly #engine: ConferenceEngine;
  #viewers = 0;

  constructor(engine: ConferenceEngine) {
    this.#engine = engine;
    engine.onJoined(() => void this.refresh());
    engine.on('chatMessage', (m) => this.#add(m, m.senderId !== engine.getState().self?.accountId));
  }

  getState = (): ChatState => this.#state;
  subscribe = (l: () => void): (() => void) => {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  };
  #set(patch: Partial<ChatState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const l of this.#listeners) l();
  }
  #add(m: ChatMessage, fromOther: boolean): void {
    if (this.#state.messages.some((x) => x.id === m.id)) return;
    this.#set({ messages: [...this.#state.messages, m], unread: this.#state.unread + (fromOther && this.#viewers === 0 ? 1 : 0) });
  }

  async refresh(): Promise<void> {
    const h = await this.#engine.request('chat.history', {});
    this.#set({ loaded: true, messages: h.messages, canPost: h.canPost, secretaryId: h.secretaryId, secretaryName: h.secretaryName });
  }

  async send(to: string, body: string): Promise<void> {
    this.#add(await this.#engine.request('chat.send', { to, body }), false);
  }

  /** The panel is shown: nothing is unread while it is. */
  view(): () => void {
    this.#viewers++;
    this.#set({ unread: 0 });
    return () => {
      this.#viewers--;
    };
  }
}

const stores = new WeakMap<ConferenceEngine, ChatStore>();

export function chatStoreOf(engine: ConferenceEngine): ChatStore {
  let store = stores.get(engine);
  if (!store) stores.set(engine, (store = new ChatStore(engine)));
  return store;
}

export function useChat(engine: ConferenceEngine): [ChatState, ChatStore] {
  const store = chatStoreOf(engine);
  return [useSyncExternalStore(store.subscribe, store.getState), store];
}
