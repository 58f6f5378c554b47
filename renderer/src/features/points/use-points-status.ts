/** The points' states, asked of the server every 2 seconds while the panel is open (and after every rejoin). */
import { useEffect, useState } from 'react';
import type { ResponseData } from '../../../../common/protocol';
import type { ConferenceEngine } from '../conference/conference-engine';

export type PointsStatus = ResponseData<'points.status'>;
export const POLL_MS = 2000;

export function usePointsStatus(engine: ConferenceEngine): { data: PointsStatus | null; error: unknown } {
  const [data, setData] = useState<PointsStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let alive = true;
    let inFlight = false;
    const read = () => {
      if (inFlight) return;
      inFlight = true;
      engine.request('points.status', {}).then(
        (d) => {
          if (!alive) return;
          setData(d);
          setError(null);
        },
        (err: unknown) => alive && setError(err),
      ).finally(() => {
        inFlight = false;
      });
    };
    const stopJoined = engine.onJoined(read);
    const timer = setInterval(read, POLL_MS);
    return () => {
      alive = false;
      stopJoined();
      clearInterval(timer);
    };
  }, [engine]);
  return { data, error };
}
