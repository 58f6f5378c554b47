/**
 * The points' states: asked of the server once when the panel opens and after every rejoin; the
 * server then pushes `pointsStatus` each time they change (sfu-server/src/points/points-watch.ts),
 * so nothing is polled.
 */
import { useEffect, useState } from 'react';
import type { PointsStatus } from '../../../../common/protocol';
import type { ConferenceEngine } from '../conference/conference-engine';

export type { PointsStatus };

export function usePointsStatus(engine: ConferenceEngine): { data: PointsStatus | null; error: unknown } {
  const [data, setData] = useState<PointsStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let alive = true;
    const show = (d: PointsStatus) => {
      if (!alive) return;
      setData(d);
      setError(null);
    };
    const stopPushed = engine.on('pointsStatus', show);
    // Asking is also what makes the server push: again after each rejoin (a new connection).
    const stopJoined = engine.onJoined(() => {
      engine.request('points.status', {}).then(show, (err: unknown) => alive && setError(err));
    });
    return () => {
      alive = false;
      stopPushed();
      stopJoined();
    };
  }, [engine]);
  return { data, error };
}
