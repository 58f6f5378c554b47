/** Toolbar hooks of the floor and attendance panels (badge: people waiting; visibility: organisers only). */
import type { RoomFeatureProps } from '../conference/room-panels';
import { useConference } from '../conference/use-conference';
import { isManager, useFloor } from './floor-store';

/** People waiting to speak, shown to those who give the floor. */
export function useFloorBadge({ engine }: RoomFeatureProps): number {
  const { state } = useFloor(engine);
  const self = useConference(engine, (s) => s.self);
  return isManager(state, self) ? (state?.queue.length ?? 0) : 0;
}

/** The attendance panel is for the organisers (the server refuses it to others anyway). */
export function useIsManager({ engine }: RoomFeatureProps): boolean {
  const { state } = useFloor(engine);
  const self = useConference(engine, (s) => s.self);
  return isManager(state, self);
}
