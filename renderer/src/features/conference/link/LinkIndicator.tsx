/**
 * Our own connection as signal bars, sending (↑) and receiving (↓), with the figures behind them
 * and a short suggestion when the link is not good.
 */
import { Box, Group, Popover, Stack, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Bars } from '../../../../../common/link-quality';
import type { ConferenceEngine } from '../conference-engine';
import { useConferenceShallow } from '../use-conference';

const COLOR = { good: 'var(--mantine-color-green-6)', fair: 'var(--mantine-color-yellow-6)', poor: 'var(--mantine-color-red-6)' } as const;

export function SignalBars({ bars, color, label }: { bars: Bars; color: string; label: string }) {
  return (
    <svg width="18" height="14" viewBox="0 0 18 14" role="img" aria-label={label} data-bars={bars}>
      {[0, 1, 2, 3].map((i) => (
        <rect key={i} x={i * 4.5} y={10 - i * 3} width="3" height={4 + i * 3} rx="0.5" fill={i < bars ? color : 'var(--mantine-color-gray-4)'} />
      ))}
    </svg>
  );
}

export function LinkIndicator({ engine }: { engine: ConferenceEngine }) {
  const { t } = useTranslation();
  const { link, status } = useConferenceShallow(engine, (s) => ({ link: s.link, status: s.status }));
  if (!link || status !== 'joined') return null;
  const color = COLOR[link.quality];
  const quality = t(`link.quality.${link.quality}`);
  return (
    <Popover position="bottom-end" withArrow shadow="md">
      <Popover.Target>
        <UnstyledButton aria-label={t('link.summary', { quality })} data-testid="link-indicator" data-quality={link.quality}>
          <Group gap={6} wrap="nowrap">
            <Text size="xs" c="dimmed" aria-hidden>
              ↑
            </Text>
            <SignalBars bars={link.sendBars} color={color} label={t('link.sendBars', { bars: link.sendBars })} />
            <Text size="xs" c="dimmed" aria-hidden>
              ↓
            </Text>
            <SignalBars bars={link.recvBars} color={color} label={t('link.recvBars', { bars: link.recvBars })} />
          </Group>
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown maw={320}>
        <Stack gap={4} data-testid="link-details">
          <Text fw={600} size="sm" style={{ color }}>
            {quality}
          </Text>
          <Text size="xs">{t('link.loss', { value: link.lossPercent === null ? '—' : `${link.lossPercent.toFixed(1)} %` })}</Text>
          <Text size="xs">{t('link.rtt', { value: link.rttMs === null ? '—' : `${Math.round(link.rttMs)} ms` })}</Text>
          <Text size="xs">{t('link.upBandwidth', { value: link.availableSendKbps === null ? '—' : `${link.availableSendKbps} kbit/s` })}</Text>
          {link.suggestion && (
            <Box mt={4} data-testid="link-suggestion">
              <Text size="sm">{t(`link.suggestion.${link.suggestion}`)}</Text>
            </Box>
          )}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
