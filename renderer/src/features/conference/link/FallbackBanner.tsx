/**
 * The banner of the automatic fallback: says what the app did because the link is weak (fewer and
 * smaller videos, or audio only, speech always kept) and offers one click back to full quality.
 * It goes away by itself when the link recovers and the app comes back up.
 */
import { Alert, Button, Group, Text } from '@mantine/core';
import { IconAntennaBars2 } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ConferenceEngine } from '../conference-engine';
import { useConferenceShallow } from '../use-conference';
import { clockTime } from './clock-time';

export function FallbackBanner({ engine }: { engine: ConferenceEngine }) {
  const { t, i18n } = useTranslation();
  // Only whether the link is poor, not each 2-s sample's figures: most samples re-render nothing here.
  const { fallback, linkPoor, status } = useConferenceShallow(engine, (s) => ({ fallback: s.fallback, linkPoor: s.link?.quality === 'poor', status: s.status }));
  if (status !== 'joined') return null;
  if (fallback.level === 0) {
    // Back to full by the user's click while the link is still poor: say that it stays so for now.
    if (fallback.holdUntil > Date.now() && linkPoor) {
      return (
        <Alert color="gray" mx="md" role="status" data-testid="fallback-held">
          {t('link.fallback.held')}
        </Alert>
      );
    }
    return null;
  }
  const since = fallback.since ? clockTime(fallback.since, i18n.language) : '';
  return (
    <Alert color="orange" mx="md" role="status" icon={<IconAntennaBars2 />} data-testid="fallback-banner" data-level={fallback.level}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Text size="sm">{t(fallback.level === 2 ? 'link.fallback.audioOnly' : 'link.fallback.reduced', { since })}</Text>
        <Button size="xs" variant="white" color="orange" onClick={() => void engine.restoreFullQuality()} data-testid="fallback-restore">
          {t('link.fallback.restore')}
        </Button>
      </Group>
    </Alert>
  );
}
