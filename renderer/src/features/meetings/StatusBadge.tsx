/** A meeting's status as a coloured badge: nháp, đã công bố, đang diễn ra, đã kết thúc, đã hủy. */
import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { MeetingStatus } from '../../../../common/api/model';

const COLORS: Record<MeetingStatus, string> = {
  draft: 'gray',
  published: 'blue',
  live: 'green',
  ended: 'dark',
  cancelled: 'orange',
};

export function StatusBadge({ status, size = 'md' }: { status: MeetingStatus; size?: 'sm' | 'md' | 'lg' }) {
  const { t } = useTranslation();
  return (
    <Badge color={COLORS[status]} variant={status === 'live' ? 'filled' : 'light'} size={size} data-testid="meeting-status" style={{ flexShrink: 0 }}>
      {t(`meetingStatus.${status}`)}
    </Badge>
  );
}
