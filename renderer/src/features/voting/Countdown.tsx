/** Seconds left until a vote closes by itself. */
import { Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

export function Countdown({ until }: { until: string | null }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (!until) return null;
  const seconds = Math.max(0, Math.ceil((Date.parse(until) - now) / 1000));
  return (
    <Text size="sm" c={seconds <= 10 ? 'red' : 'dimmed'} aria-live="off">
      {t('voting.remaining', { seconds })}
    </Text>
  );
}
