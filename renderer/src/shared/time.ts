/**
 * Meeting times are shown and entered in Vietnam time (Asia/Ho_Chi_Minh, +07:00, no daylight
 * saving) whatever the device's own time zone; the API exchanges ISO instants with an offset.
 */
import i18next from 'i18next';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
const OFFSET_MS = 7 * 60 * 60 * 1000;

const locale = () => (i18next.language === 'en' ? 'en-GB' : 'vi-VN');

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: 'time' | 'weekdayDate'): Intl.DateTimeFormat {
  const key = `${locale()}|${kind}`;
  let f = cache.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'weekdayDate' ? { weekday: 'long', day: 'numeric', month: 'numeric', year: 'numeric' } : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    f = new Intl.DateTimeFormat(locale(), { ...options, timeZone: TIME_ZONE });
    cache.set(key, f);
  }
  return f;
}

const valid = (iso: string) => !Number.isNaN(new Date(iso).getTime());

/** "08:00, thứ Hai, 1/12/2026". */
export function formatDateTime(iso: string): string {
  if (!valid(iso)) return iso;
  const d = new Date(iso);
  return `${formatter('time').format(d)}, ${formatter('weekdayDate').format(d)}`;
}

/** "08:00 – 11:30, thứ Hai, 1/12/2026", or both full date-times when it spans days. */
export function formatRange(startIso: string, endIso: string): string {
  if (!valid(startIso) || !valid(endIso)) return `${startIso} – ${endIso}`;
  const start = new Date(startIso);
  const end = new Date(endIso);
  const day = formatter('weekdayDate');
  if (day.format(start) === day.format(end)) {
    const time = formatter('time');
    return `${time.format(start)} – ${time.format(end)}, ${day.format(start)}`;
  }
  return `${formatDateTime(startIso)} – ${formatDateTime(endIso)}`;
}

/** An ISO instant → the value of an `<input type="datetime-local">` in Vietnam time. */
export function toLocalInput(iso: string): string {
  const ms = new Date(iso).getTime();
  if (Number.isNaN(ms)) return '';
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 16);
}

/** The value of an `<input type="datetime-local">` read as Vietnam time → ISO with +07:00, or null. */
export function fromLocalInput(value: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?/.exec(value);
  if (!m) return null;
  const iso = `${m[1]}T${m[2]}:${m[3] ?? '00'}+07:00`;
  return valid(iso) ? iso : null;
}

/** The next full hour in Vietnam time, as an input value (a sensible default for a new meeting). */
export function nextHourInput(addHours = 1): string {
  const now = Date.now() + OFFSET_MS;
  const hour = 60 * 60 * 1000;
  return new Date(Math.ceil(now / hour) * hour + (addHours - 1) * hour).toISOString().slice(0, 16);
}
