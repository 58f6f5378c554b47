/**
 * For the chair and the hosts: a participant whose link the server judges poor, and since when
 * ("Đường truyền yếu từ 10:42"), on its tile. Nothing for a good or fair link, or for others.
 */
import { Badge } from '@mantine/core';
import { IconAntennaBarsOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ConferenceEngine } from '../conference-engine';
import { useConference } from '../use-conference';
import { clockTime } from './clock-time';

export function PeerLinkBadge({ engine, peerId }: { engine: ConferenceEngine; peerId: string }) {
  const { t, i18n } = useTranslation();
  const link = useConference(engine, (s) => s.peerLinks[peerId]);
  if (!link || link.quality !== 'poor') return null;
  const since = clockTime(link.since, i18n.language);
  return (
    <Badge color="red" variant="filled" size="sm" leftSection={<IconAntennaBarsOff size={12} />} data-testid="tile-link-poor" aria-label={t('link.poorSince', { since })}>
      {t('link.poorShort', { since })}
    </Badge>
  );
}
