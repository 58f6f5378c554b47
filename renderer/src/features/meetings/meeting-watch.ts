/**
 * The meeting page's live link to the server: one signaling connection that watches the meeting
 * (`meeting.watch`) without joining the room. The server names the part that changed (pack,
 * comments, signatures, the meeting itself) and the sections showing it load it again.
 * After a drop the link comes back by itself and every section reloads, since pushes may have been
 * missed meanwhile.
 */
import { useEffect, useRef, useState } from 'react';
import { MeetingTopic } from '../../../../common/protocol';
import { SignalingClient } from '../../net/signaling-client';
import { serverUrl, signalingUrl } from '../../platform/desktop';

type Listener = (topic: MeetingTopic) => void;
const ALL_TOPICS: readonly MeetingTopic[] = MeetingTopic.options;
const RETRY_MS = [1000, 2000, 5000, 10_000];

export class MeetingChanges {
  readonly #listeners = new Set<Listener>();
  #client: SignalingClient | null = null;
  #stopped = false;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly meetingId: string) {}

  /** Calls `fn` whenever one of `topics` changes (or may have: after a reconnect). */
  on(topics: readonly MeetingTopic[], fn: () => void): () => void {
    const listener: Listener = (topic) => {
      if (topics.includes(topic)) fn();
    };
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  start(): void {
    void this.#connect(false);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#client?.close();
    this.#client = null;
  }

  #emit(topic: MeetingTopic): void {
    for (const l of this.#listeners) l(topic);
  }

  async #connect(isRetry: boolean): Promise<void> {
    if (this.#stopped) return;
    const server = (await serverUrl()) ?? window.location.origin;
    const client = new SignalingClient(signalingUrl(server));
    this.#client = client;
    client.onNotification((name, data) => {
      if (name === 'meetingChanged') {
        const change = data as { meetingId: string; topic: MeetingTopic };
        if (change.meetingId === this.meetingId) this.#emit(change.topic);
      }
    });
    client.onClose(() => this.#retry(client));
    try {
      await client.opened;
      await client.request('meeting.watch', { meetingId: this.meetingId });
      this.#attempt = 0;
      // Anything may have changed while we were away.
      if (isRetry) for (const topic of ALL_TOPICS) this.#emit(topic);
    } catch {
      client.close();
      this.#retry(client);
    }
  }

  #retry(client: SignalingClient): void {
    if (this.#stopped || this.#client !== client) return;
    this.#client = null;
    const delay = RETRY_MS[Math.min(this.#attempt++, RETRY_MS.length - 1)] ?? 10_000;
    this.#timer = setTimeout(() => void this.#connect(true), delay);
  }
}

/** The live link of the meeting page open now (one per page, closed when the page goes). */
export function useMeetingChanges(meetingId: string): MeetingChanges | undefined {
  const [changes, setChanges] = useState<MeetingChanges>();
  useEffect(() => {
    const c = new MeetingChanges(meetingId);
    c.start();
    setChanges(c);
    return () => c.stop();
  }, [meetingId]);
  return changes;
}

/** Runs `fn` when one of `topics` of the watched meeting changes. */
export function useOnMeetingChange(changes: MeetingChanges | undefined, topics: readonly MeetingTopic[], fn: () => void): void {
  const latest = useRef(fn);
  latest.current = fn;
  const key = topics.join(',');
  useEffect(() => changes?.on(key.split(',') as MeetingTopic[], () => latest.current()), [changes, key]);
}
