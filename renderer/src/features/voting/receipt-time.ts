/** The time on a ballot's receipt, with seconds, in the UI's language, in Vietnam time like every meeting time. */
import { TIME_ZONE } from '../../shared/time';

export function receiptTime(ms: number, language: string): string {
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'vi-VN', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone: TIME_ZONE }).format(ms);
}
