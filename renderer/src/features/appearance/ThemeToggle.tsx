/**
 * Light or dark theme: Mantine's colour scheme, remembered on this device by Mantine's own
 * local-storage manager (key `mantine-color-scheme-value`). The first visit follows the system.
 */
import { ActionIcon, Tooltip, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { IconMoon, IconSun } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

export function ThemeToggle() {
  const { t } = useTranslation();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const dark = scheme === 'dark';
  const label = dark ? t('appearance.light') : t('appearance.dark');
  return (
    <Tooltip label={label}>
      <ActionIcon variant="default" size="lg" aria-label={label} aria-pressed={dark} onClick={() => setColorScheme(dark ? 'light' : 'dark')} data-testid="theme-toggle">
        {dark ? <IconSun size={18} /> : <IconMoon size={18} />}
      </ActionIcon>
    </Tooltip>
  );
}
