/** The toolbar's layout switcher: grid, speaker view, chair focus, and tiles per page; remembered on this device. */
import { ActionIcon, Menu, Tooltip } from '@mantine/core';
import { IconCheck, IconLayoutBoardSplit, IconLayoutGrid, IconUserSquare } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { setRoomPreferences, TILES_PER_PAGE_CHOICES, useRoomPreferences } from '../room-preferences';
import { LAYOUTS, type LayoutKind } from './layout-model';

const ICONS: Record<LayoutKind, typeof IconLayoutGrid> = { grid: IconLayoutGrid, speaker: IconUserSquare, chair: IconLayoutBoardSplit };

export function LayoutMenu() {
  const { t } = useTranslation();
  const prefs = useRoomPreferences();
  const Icon = ICONS[prefs.layout];
  return (
    <Menu position="top" withArrow shadow="md">
      <Menu.Target>
        <Tooltip label={t('layout.menu')}>
          <ActionIcon size="xl" radius="xl" variant="light" aria-label={t('layout.menu')} data-testid="layout-menu">
            <Icon />
          </ActionIcon>
        </Tooltip>
      </Menu.Target>
      <Menu.Dropdown>
        <LayoutMenuItems />
      </Menu.Dropdown>
    </Menu>
  );
}

/** The choices, also listed in the compact toolbar's overflow menu. */
export function LayoutMenuItems() {
  const { t } = useTranslation();
  const prefs = useRoomPreferences();
  return (
    <>
        <Menu.Label>{t('layout.menu')}</Menu.Label>
        {LAYOUTS.map((layout) => {
          const ItemIcon = ICONS[layout];
          const selected = prefs.layout === layout;
          return (
            <Menu.Item
              key={layout}
              leftSection={<ItemIcon size={16} />}
              rightSection={selected ? <IconCheck size={14} aria-label={t('layout.current')} /> : null}
              onClick={() => setRoomPreferences({ layout })}
            >
              {t(`layout.kinds.${layout}`)}
            </Menu.Item>
          );
        })}
        <Menu.Divider />
        <Menu.Label>{t('layout.tilesPerPage')}</Menu.Label>
        {[null, ...TILES_PER_PAGE_CHOICES].map((n) => {
          const selected = prefs.tilesPerPage === n;
          return (
            <Menu.Item key={n ?? 'auto'} rightSection={selected ? <IconCheck size={14} aria-label={t('layout.current')} /> : null} onClick={() => setRoomPreferences({ tilesPerPage: n })}>
              {n === null ? t('layout.tilesAuto') : t('layout.tilesN', { count: n })}
            </Menu.Item>
          );
        })}
    </>
  );
}
