/** A shared screen or window: shown whole (never cropped), labelled with who shares it. */
import { Group, Loader, Text } from '@mantine/core';
import { IconScreenShare } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { TrackVideo } from './MediaElement';
import { TileFrame, type TilePlacement } from './ParticipantTile';

export function ScreenTile({ owner, track, self, ...placement }: { owner: string; track: MediaStreamTrack | null; self: boolean } & TilePlacement) {
  const { t } = useTranslation();
  const label = self ? t('screenShare.yourScreen') : t('screenShare.screenOf', { name: owner });
  return (
    <TileFrame
      label={label}
      testId={self ? 'self-screen-tile' : 'screen-tile'}
      pinLabel={label}
      {...placement}
      footer={
        <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
          <IconScreenShare size={16} color="white" aria-hidden />
          <Text size="sm" fw={600} c="white" truncate data-testid="screen-owner">
            {label}
          </Text>
        </Group>
      }
    >
      {track ? (
        <TrackVideo track={track} label={label} fit="contain" />
      ) : (
        <Group h="100%" justify="center">
          <Loader color="gray" size="sm" aria-label={t('room.connecting')} />
        </Group>
      )}
    </TileFrame>
  );
}
