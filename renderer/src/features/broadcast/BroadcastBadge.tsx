/** "Đang phát trực tiếp": the red badge everyone sees (room, meeting page) while the broadcast is on. */
import { Badge } from '@mantine/core';
import { IconBroadcast } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

export function BroadcastBadge({ on }: { on: boolean }) {
  const { t } = useTranslation();
  if (!on) return null;
  return (
    <Badge color="red" variant="filled" size="lg" leftSection={<IconBroadcast size={14} />} role="status" data-testid="broadcast-indicator">
      {t('broadcast.live')}
    </Badge>
  );
}
