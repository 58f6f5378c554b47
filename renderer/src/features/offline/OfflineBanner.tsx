/**
 * The app-wide line that says the server cannot be reached (or the device has no network) and
 * since when, in the reader's language and Vietnam time, and whether what is on screen is the
 * copy kept on this device (and when it was kept). From offline/connectivity.ts and the
 * browser's online/offline events.
 */
import { Box, Text } from '@mantine/core';
import { IconCloudOff } from '@tabler/icons-react';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../shared/time';
import { connectivity } from '../../offline/connectivity';

function useDeviceOfflineSince(): string | null {
  const [since, setSince] = useState<string | null>(() => (typeof navigator !== 'undefined' && navigator.onLine === false ? new Date().toISOString() : null));
  useEffect(() => {
    const off = () => setSince((s) => s ?? new Date().toISOString());
    const on = () => setSince(null);
    window.addEventListener('offline', off);
    window.addEventListener('online', on);
    return () => {
      window.removeEventListener('offline', off);
      window.removeEventListener('online', on);
    };
  }, []);
  return since;
}

export function OfflineBanner() {
  const { t } = useTranslation();
  const view = useSyncExternalStore(connectivity.subscribe, connectivity.getView);
  const deviceOffline = useDeviceOfflineSince();
  if (!view.offlineSince && !deviceOffline) return null;
  const message = deviceOffline
    ? t('offline.deviceOffline', { time: formatDateTime(deviceOffline) })
    : view.showingKept?.keptAt
      ? t('offline.unreachableKeptAt', { time: formatDateTime(view.offlineSince!), keptAt: formatDateTime(view.showingKept.keptAt) })
      : view.showingKept
        ? t('offline.unreachableKept', { time: formatDateTime(view.offlineSince!) })
        : t('offline.unreachable', { time: formatDateTime(view.offlineSince!) });
  return (
    <Box
      role="status"
      data-testid="offline-banner"
      data-kept={view.showingKept ? 'true' : 'false'}
      style={{ position: 'fixed', left: '50%', top: 60, transform: 'translateX(-50%)', zIndex: 400, maxWidth: 'min(640px, calc(100vw - 24px))', background: 'var(--mantine-color-orange-9)', color: 'white', borderRadius: 8, padding: '6px 12px', boxShadow: '0 2px 8px rgba(0,0,0,.3)', display: 'flex', gap: 8, alignItems: 'flex-start', pointerEvents: 'none' }}
    >
      <IconCloudOff size={18} aria-hidden style={{ flex: 'none', marginTop: 2 }} />
      <div>
        <Text size="sm" fw={600}>
          {message}
        </Text>
        <Text size="xs">{t('offline.hint')}</Text>
      </div>
    </Box>
  );
}
