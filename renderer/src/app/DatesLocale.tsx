/**
 * What follows the app's language below the MantineProvider:
 * - date inputs and calendars (@mantine/dates): dayjs's `vi` / `en` locale follows i18next, weeks
 *   start on Monday (as in Vietnam);
 * - the close button of every Modal and Drawer gets a name ("Đóng" / "Close"): Mantine's has none,
 *   and axe-core reports an unnamed button (critical) wherever a dialog does not pass one itself.
 */
import { Drawer, MantineThemeProvider, Modal } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import 'dayjs/locale/en';
import 'dayjs/locale/vi';
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function DatesLocale({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const close = t('common.close');
  const theme = useMemo(
    () => ({
      components: {
        Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': close } } }),
        Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': close } } }),
      },
    }),
    [close],
  );
  return (
    <MantineThemeProvider theme={theme}>
      <DatesProvider settings={{ locale: i18n.language === 'en' ? 'en' : 'vi', firstDayOfWeek: 1 }}>{children}</DatesProvider>
    </MantineThemeProvider>
  );
}
