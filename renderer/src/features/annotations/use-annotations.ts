/**
 * One annotation engine per (me, document, version), shared by the page overlays and the toolbar
 * of the viewer, created on first use and destroyed shortly after the last user lets go.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { api } from '../../net/api-client';
import { serverUrl } from '../../platform/desktop';
import { useAccount } from '../auth/session';
import { AnnotationEngine, type AnnotationState, type PageMarks } from './annotation-engine';

interface Entry {
  engine: Promise<AnnotationEngine>;
  users: number;
  timer: ReturnType<typeof setTimeout> | null;
}

const engines = new Map<string, Entry>();

async function create(meetingId: string, documentId: string, versionId: string, me: { accountId: string; displayName: string }): Promise<AnnotationEngine> {
  const server = await serverUrl();
  if (!server) throw new Error('no server address');
  const engine = new AnnotationEngine(documentId, versionId, me, server);
  api.meeting(meetingId).then(
    (m) => engine.setMeeting({ moderator: m.chairId === me.accountId || m.secretaryId === me.accountId, ended: m.status === 'ended' || m.status === 'cancelled' }),
    () => undefined,
  );
  return engine;
}

function acquire(key: string, make: () => Promise<AnnotationEngine>): Promise<AnnotationEngine> {
  let entry = engines.get(key);
  if (!entry) {
    entry = { engine: make(), users: 0, timer: null };
    engines.set(key, entry);
  }
  if (entry.timer) clearTimeout(entry.timer);
  entry.timer = null;
  entry.users++;
  return entry.engine;
}

function release(key: string): void {
  const entry = engines.get(key);
  if (!entry) return;
  entry.users--;
  if (entry.users > 0) return;
  // Pages mount and unmount while scrolling and zooming: keep the engine a little while.
  entry.timer = setTimeout(() => {
    engines.delete(key);
    void entry.engine.then((e) => e.destroy(), () => undefined);
  }, 5000);
}

export function useAnnotationEngine(meetingId: string, documentId: string, versionId: string): AnnotationEngine | null {
  const account = useAccount();
  const [engine, setEngine] = useState<AnnotationEngine | null>(null);
  useEffect(() => {
    const key = `${account.id}|${documentId}|${versionId}`;
    let live = true;
    acquire(key, () => create(meetingId, documentId, versionId, { accountId: account.id, displayName: account.displayName })).then(
      (e) => live && setEngine(e),
      (err: unknown) => console.error('annotations unavailable', err),
    );
    return () => {
      live = false;
      setEngine(null);
      release(key);
    };
  }, [account.id, account.displayName, meetingId, documentId, versionId]);
  return engine;
}

const NO_STATE: AnnotationState | null = null;
const noop = () => () => {};

export function useAnnotationState(engine: AnnotationEngine | null): AnnotationState | null {
  return useSyncExternalStore(engine ? engine.subscribe : noop, () => (engine ? engine.getState() : NO_STATE));
}

const EMPTY: PageMarks = { shared: [], private: [] };

export function usePageMarks(engine: AnnotationEngine | null, page: number): PageMarks {
  const [marks, setMarks] = useState<PageMarks>(EMPTY);
  useEffect(() => {
    if (!engine) return;
    const off = engine.subscribePage(page, () => setMarks(engine.pageMarks(page)));
    setMarks(engine.pageMarks(page));
    return off;
  }, [engine, page]);
  return marks;
}
