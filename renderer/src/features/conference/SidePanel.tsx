/** The side column of one feature's panel: beside the tiles on a PC, over them on a phone. */
import { ActionIcon, Box, Center, CloseButton, Group, Indicator, Loader, ScrollArea, Title, Tooltip, type MantineSize } from '@mantine/core';
import { Suspense, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoomFeatureProps, RoomPanel } from './room-panels';

export function PanelButton({ panel, props, open, onToggle, size = 'xl' }: { panel: RoomPanel; props: RoomFeatureProps; open: boolean; onToggle: () => void; size?: MantineSize }) {
  const { t } = useTranslation();
  const visible = panel.useVisible?.(props) ?? true;
  const badge = panel.useBadge?.(props) ?? 0;
  const Icon = panel.icon;
  if (!visible) return null;
  return (
    <Tooltip label={t(panel.labelKey)}>
      <Indicator label={badge} size={18} disabled={badge === 0} color="red">
        <ActionIcon size={size} radius="xl" variant={open ? 'filled' : 'light'} aria-label={t(panel.labelKey)} aria-pressed={open} onClick={onToggle} data-testid={`panel-button-${panel.id}`}>
          <Icon />
        </ActionIcon>
      </Indicator>
    </Tooltip>
  );
}

export function SidePanel({ panel, props, onClose }: { panel: RoomPanel; props: RoomFeatureProps; onClose: () => void }) {
  const { t } = useTranslation();
  const Component = panel.Component;
  // Focus moves into the opened panel (its heading), so keyboard and screen-reader users land in it.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [panel.id]);
  return (
    <Box
      component="aside"
      aria-label={t(panel.labelKey)}
      data-testid={`panel-${panel.id}`}
      w={{ base: '100%', sm: 380 }}
      pos={{ base: 'absolute', sm: 'static' } as never}
      style={{ borderLeft: '1px solid var(--mantine-color-default-border)', background: 'var(--mantine-color-body)', display: 'flex', flexDirection: 'column', inset: 0, zIndex: 5 }}
    >
      <Group justify="space-between" px="md" py="xs" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        <Title order={2} size="h5" ref={heading} tabIndex={-1} style={{ outlineOffset: 2 }}>
          {t(panel.labelKey)}
        </Title>
        <CloseButton aria-label={t('room.closePanel')} onClick={onClose} />
      </Group>
      <ScrollArea flex={1} p="md">
        {/* A panel may be loaded when first opened (React.lazy in app/room-features.ts): the room stays as it is meanwhile. */}
        <Suspense
          fallback={
            <Center p="md">
              <Loader size="sm" aria-label={t('common.loading')} />
            </Center>
          }
        >
          <Component {...props} />
        </Suspense>
      </ScrollArea>
    </Box>
  );
}
