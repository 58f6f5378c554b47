/**
 * Who watches which meeting's page (signaling connections, joined to the room or not), and the
 * push to them when part of the meeting changes. Watches end with their connection.
 */
import { MAX_WATCHED_MEETINGS, type MeetingTopic, type Notifications } from '../../../common/protocol';
import { AppError } from '../errors';

/** A watching connection: anything that can be sent a `meetingChanged`. */
export interface Watcher {
  notify: (name: 'meetingChanged', data: Notifications['meetingChanged']) => void;
}

export class MeetingWatch {
  /** meetingId → the connections watching it. */
  readonly #watchers = new Map<string, Set<Watcher>>();
  /** connection → the meetings it watches. */
  readonly #byWatcher = new Map<Watcher, Set<string>>();

  watch(watcher: Watcher, meetingId: string): void {
    const mine = this.#byWatcher.get(watcher) ?? new Set<string>();
    if (!mine.has(meetingId) && mine.size >= MAX_WATCHED_MEETINGS) throw new AppError('too_large', `at most ${MAX_WATCHED_MEETINGS} meetings per connection`);
    mine.add(meetingId);
    this.#byWatcher.set(watcher, mine);
    const set = this.#watchers.get(meetingId) ?? new Set<Watcher>();
    set.add(watcher);
    this.#watchers.set(meetingId, set);
  }

  unwatch(watcher: Watcher, meetingId: string): void {
    this.#byWatcher.get(watcher)?.delete(meetingId);
    const set = this.#watchers.get(meetingId);
    set?.delete(watcher);
    if (set?.size === 0) this.#watchers.delete(meetingId);
  }

  /** The meetings this connection watches. */
  watching(watcher: Watcher): string[] {
    return [...(this.#byWatcher.get(watcher) ?? [])];
  }

  /** The connection closed: all its watches end. */
  drop(watcher: Watcher): void {
    for (const meetingId of this.#byWatcher.get(watcher) ?? []) this.unwatch(watcher, meetingId);
    this.#byWatcher.delete(watcher);
  }

  changed(meetingId: string, topic: MeetingTopic): void {
    for (const w of this.#watchers.get(meetingId) ?? []) w.notify('meetingChanged', { meetingId, topic });
  }

  watcherCount(meetingId: string): number {
    return this.#watchers.get(meetingId)?.size ?? 0;
  }
}
