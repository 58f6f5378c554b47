/** "10:42" for a time of day (ms since the epoch), in the UI's language. */
export function clockTime(ms: number, language: string): string {
  return new Date(ms).toLocaleTimeString(language === 'en' ? 'en-GB' : 'vi-VN', { hour: '2-digit', minute: '2-digit' });
}
