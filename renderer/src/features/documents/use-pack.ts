/**
 * The meeting pack for a screen: loaded from the server and kept on the device; with no network,
 * the copy last kept on this device (marked offline).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DocumentPack } from '../../../../common/api/documents';
import { ApiRequestError } from '../../net/api-client';
import { useAccount } from '../auth/session';
import { pack as fetchPack } from './documents-api';
import { connectivity } from '../../offline/connectivity';
import { cachedPack, savePack } from './offline-cache';

export interface PackState {
  pack: DocumentPack | null;
  /** Shown from the device's copy because the server could not be reached. */
  offline: boolean;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
  setPack: (p: DocumentPack) => void;
}

export function usePack(meetingId: string): PackState {
  const me = useAccount();
  const [pack, setPackState] = useState<DocumentPack | null>(null);
  const [offline, setOffline] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);

  const setPack = useCallback(
    (p: DocumentPack) => {
      setPackState(p);
      setOffline(false);
      void savePack(me.id, p);
    },
    [me.id],
  );

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const p = await fetchPack(meetingId);
      if (mine !== generation.current) return;
      setPack(p);
      setError(null);
    } catch (err) {
      if (mine !== generation.current) return;
      if (err instanceof ApiRequestError && err.status === 0) {
        const cached = await cachedPack(me.id, meetingId);
        if (cached) {
          setPackState(cached.pack);
          setOffline(true);
          connectivity.showingKept(cached.keptAt);
          setError(null);
          return;
        }
      }
      setError(err);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [meetingId, me.id, setPack]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { pack, offline, error, loading, reload, setPack };
}
