/** Our own camera, mirrored, as one tile among the others. */
import { Box, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { TrackVideo } from './MediaElement';
import { initials, TileFrame, type TilePlacement } from './ParticipantTile';

export function SelfTile({ displayName, pointName, video, cameraOff, ...placement }: { displayName: string; pointName: string; video: MediaStreamTrack | null; cameraOff: boolean } & TilePlacement) {
  const { t } = useTranslation();
  return (
    <TileFrame
      label={t('room.you')}
      testId="self-tile"
      pinLabel={t('room.you')}
      {...placement}
      footer={
        <Box style={{ minWidth: 0 }}>
          <Text size="sm" fw={600} c="white" truncate>
            {displayName} ({t('room.you')})
          </Text>
          {pointName && (
            <Text size="xs" c="gray.3" truncate>
              {pointName}
            </Text>
          )}
        </Box>
      }
    >
      {video && !cameraOff ? (
        <TrackVideo track={video} label={t('room.you')} mirrored />
      ) : (
        <Group h="100%" justify="center">
          <Text c="gray.4" size="xl" fw={700}>
            {cameraOff ? t('room.videoOff') : initials(displayName)}
          </Text>
        </Group>
      )}
    </TileFrame>
  );
}
