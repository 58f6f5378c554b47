/**
 * A meeting's start or end: typed as "dd/mm/yyyy hh:mm" (24-hour, Vietnam time) or picked from a
 * calendar in the app's language (@mantine/dates; `app/DatesLocale.tsx`), instead of the browser's
 * `datetime-local`, which follows the system's language and format.
 * The form keeps the value as `YYYY-MM-DDTHH:mm` (app/time.ts's local input format).
 */
import { DateInput } from '@mantine/dates';
import { IconCalendar } from '@tabler/icons-react';

export const DISPLAY_FORMAT = 'DD/MM/YYYY HH:mm';

/** "07/12/2026 08:30" → "2026-12-07 08:30:00" (what DateInput keeps), or null. */
export function parseDisplayed(text: string): string | null {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!m) return null;
  const [day, month, year, hour, minute] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  if (month < 1 || month > 12 || hour > 23 || minute > 59) return null;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > days) return null;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${year}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:00`;
}

export function DateTimeField({ label, value, onChange, required }: { label: string; value: string; onChange: (value: string) => void; required?: boolean }) {
  return (
    <DateInput
      label={label}
      value={value ? `${value.replace('T', ' ')}:00` : null}
      onChange={(v) => onChange(v ? v.replace(' ', 'T').slice(0, 16) : '')}
      valueFormat={DISPLAY_FORMAT}
      dateParser={parseDisplayed}
      placeholder="dd/mm/yyyy hh:mm"
      withTime
      required={required}
      leftSection={<IconCalendar size={16} aria-hidden />}
      popoverProps={{ withinPortal: true }}
    />
  );
}
