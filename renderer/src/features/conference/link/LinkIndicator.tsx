/**
 * Our own connection as signal bars, sending (↑) and receiving (↓), with the figures behind them
 * and a short suggestion when the link is not good.
 */
import { Box, Group, Popover, Stack, Text, UnstyledButton } from '@mantine/core';
import { forwardRef, type ComponentPropsWithoutRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Bars } from '../../../../../common/link-quality';
import type { ConferenceEngine } from '../conference-engine';
import { useConference } from '../use-conference';

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

/**
 * The popover itself follows only whether there is a link to show: a new sample (every 2 s, most
 * change a figure or a bar) re-renders the button's bars and, while it is open, the details, not
 * Mantine's Popover (which rebuilds its floating-ui middlewares on every render, open or not).
 */
export function LinkIndicator({ engine }: { engine: ConferenceEngine }) {
  const shown = useConference(engine, (s) => s.link !== null && s.status === 'joined');
  if (!shown) return null;
  return (
    <Popover position="bottom-end" withArrow shadow="md">
      <Popover.Target>
        <LinkButton engine={engine} />
      </Popover.Target>
      <Popover.Dropdown maw={320}>
        <LinkDetails engine={engine} />
      </Popover.Dropdown>
    </Popover>
  );
}

/** The button (Popover.Target gives it its ref and handlers): the bars both ways. */
const LinkButton = forwardRef<HTMLButtonElement, { engine: ConferenceEngine } & ComponentPropsWithoutRef<'button'>>(function LinkButton({ engine, ...targetProps }, ref) {
  const { t } = useTranslation();
  const link = useConference(engine, (s) => s.link);
  if (!link) return null;
  const color = COLOR[link.quality];
  const quality = t(`link.quality.${link.quality}`);
  return (
    <UnstyledButton ref={ref} {...targetProps} aria-label={t('link.summary', { quality })} data-testid="link-indicator" data-quality={link.quality}>
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
  );
});

function LinkDetails({ engine }: { engine: ConferenceEngine }) {
  const { t } = useTranslation();
  const link = useConference(engine, (s) => s.link);
  if (!link) return null;
  const color = COLOR[link.quality];
  return (
    <Stack gap={4} data-testid="link-details">
      <Text fw={600} size="sm" style={{ color }}>
        {t(`link.quality.${link.quality}`)}
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
  );
}
