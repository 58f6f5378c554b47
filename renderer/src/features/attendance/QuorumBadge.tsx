/** Always visible to the chair and secretary in the room: present / invited and whether the quorum is met. */
import { Badge, Tooltip } from '@mantine/core';
import { IconUsersGroup } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { RoomFeatureProps } from '../conference/room-panels';
import { useAttendance } from './attendance-store';

export function QuorumBadge({ engine }: RoomFeatureProps) {
  const { t } = useTranslation();
  const { state } = useAttendance(engine);
  if (!state) return null;
  const q = state.quorum;
  const label = t(q.met ? 'attendance.quorumMet' : 'attendance.quorumNotMet', { present: q.present, total: q.total, required: q.required });
  return (
    <Tooltip label={t(`attendance.basis.${q.basis}`) + ' · ' + t('attendance.ruleText', { n: q.rule.numerator, d: q.rule.denominator, context: q.rule.strict ? 'strict' : 'atLeast' })}>
      <Badge
        pos="absolute"
        top={52}
        right={16}
        size="lg"
        color={q.met ? 'green' : 'red'}
        variant="filled"
        leftSection={<IconUsersGroup size={14} />}
        role="status"
        aria-label={label}
        data-testid="quorum-badge"
        data-met={q.met}
        style={{ zIndex: 4 }}
      >
        {label}
      </Badge>
    </Tooltip>
  );
}
