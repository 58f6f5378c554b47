/**
 * A raised hand: the participant asked for the floor and waits (the speaker queue of floor.state),
 * with their place in the queue. Shown on their tile and in the points list, to everyone.
 */
import { Badge } from '@mantine/core';
import { IconHandStop } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ConferenceEngine } from '../conference/conference-engine';
import { useFloorSlice } from './floor-store';
import { handPosition } from './hand-position';


export function RaisedHand({ engine, accountId, size = 'sm' }: { engine: ConferenceEngine; accountId: string | null | undefined; size?: 'xs' | 'sm' | 'md' }) {
  const { t } = useTranslation();
  const position = useFloorSlice(engine, ({ state }) => handPosition(state, accountId));
  if (position === 0) return null;
  const label = t('floor.handPosition', { position });
  return (
    <Badge color="yellow" c="dark" variant="filled" size={size} leftSection={<IconHandStop size={12} aria-hidden />} aria-label={label} title={label} data-testid="raised-hand">
      {position}
    </Badge>
  );
}
