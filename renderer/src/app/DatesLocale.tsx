/**
 * Date inputs and calendars (@mantine/dates) in the app's language, not the system's: dayjs's
 * `vi` / `en` locale follows i18next, weeks start on Monday (as in Vietnam).
 */
import { DatesProvider } from '@mantine/dates';
import 'dayjs/locale/en';
import 'dayjs/locale/vi';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function DatesLocale({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  return <DatesProvider settings={{ locale: i18n.language === 'en' ? 'en' : 'vi', firstDayOfWeek: 1 }}>{children}</DatesProvider>;
}
