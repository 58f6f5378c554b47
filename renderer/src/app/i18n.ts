/** i18next set-up: Vietnamese first, English second; the choice is remembered on this device. */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import vi from './locales/vi.json';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'phonghop.language';

function initialLanguage(): Language {
  const stored = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
  return stored === 'en' || stored === 'vi' ? stored : 'vi';
}

void i18next.use(initReactI18next).init({
  resources: { vi: { translation: vi }, en: { translation: en } },
  lng: initialLanguage(),
  fallbackLng: 'vi',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function setLanguage(lang: Language): void {
  localStorage.setItem(STORAGE_KEY, lang);
  void i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

/** A translated message for an error from the server or the network. */
export function errorMessage(err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  if (code && i18next.exists(`errors.${code}`)) return i18next.t(`errors.${code}`);
  const message = err instanceof Error ? err.message : String(err);
  return i18next.t('errors.unknown', { message });
}

export default i18next;
