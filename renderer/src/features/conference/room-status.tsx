/**
 * The shape the room's on/off capabilities share (the live broadcast, the recording): their state
 * fetched when the room is entered, after every rejoin and when the room is told it changed; a
 * badge in a top corner of the room while it is on; and a panel with the state in words, a warning
 * when something went wrong, and the chair's and secretary's controls (others are told that only
 * they can change it).
 */
import { Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useRef, useState, type Dispatch, type ReactNode, type SetStateAction } from 'react';
import type { ConferenceEngine } from './conference-engine';

/**
 * `load` fetches the state; `follow` subscribes to the room's change notifications (calling
 * `reload`, or setting what the notification carries) and returns the unsubscribe. Both are read
 * from the latest render; `key` (e.g. the meeting id) starts over when it changes.
 */
export function useRoomStatus<S>(
  engine: ConferenceEngine,
  key: string,
  load: () => Promise<S>,
  follow: (set: Dispatch<SetStateAction<S | null>>, reload: () => void) => () => void,
): { state: S | null; reload: () => void } {
  const [state, setState] = useState<S | null>(null);
  const latest = useRef({ load, follow });
  latest.current = { load, follow };
  const reload = useCallback(() => {
    // A failed fetch keeps what is shown; the next change or rejoin fetches again.
    latest.current.load().then(setState, () => undefined);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [engine, key]);
  useEffect(() => {
    reload();
    const offChanged = latest.current.follow(setState, reload);
    const offJoined = engine.onJoined(reload);
    return () => {
      offChanged();
      offJoined();
    };
  }, [engine, reload]);
  return { state, reload };
}

/** A badge over a top corner of the room. */
export function RoomCorner({ side, children }: { side: 'left' | 'right'; children: ReactNode }) {
  return <div style={{ position: 'absolute', top: 12, [side]: 16, zIndex: 4 }}>{children}</div>;
}

/** The panel: the state in words, an optional warning, the controls for those who may use them. */
export function RoomStatusPanel({ status, warning, canManage, onlyManagers, children }: { status: string; warning?: ReactNode; canManage: boolean; onlyManagers: string; children: ReactNode }) {
  return (
    <Stack>
      <Text>{status}</Text>
      {warning}
      {canManage ? (
        children
      ) : (
        <Text size="sm" c="dimmed">
          {onlyManagers}
        </Text>
      )}
    </Stack>
  );
}
