/// <reference types="vite/client" />
/** i18next set-up: Vietnamese first, English second; the choice is remembered on this device. */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import vi from './locales/vi.json';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'phonghop.language';

type Messages = { [key: string]: string | Messages };

function merge(into: Messages, from: Messages): Messages {
  const out: Messages = { ...into };
  for (const [key, value] of Object.entries(from)) {
    const existing = out[key];
    out[key] = typeof value === 'object' && typeof existing === 'object' ? merge(existing, value) : value;
  }
  return out;
}

/**
 * Each feature keeps its own messages in `features/<feature>/locales/<lang>.json`, merged here
 * over the app's: a feature is added without editing a shared file.
 */
const featureLocales = import.meta.glob<Messages>('../features/*/locales/*.json', { eager: true, import: 'default' });

function messages(lang: Language, base: Messages): Messages {
  let all = base;
  for (const [file, content] of Object.entries(featureLocales)) {
    if (file.endsWith(`/${lang}.json`)) all = merge(all, content);
  }
  return all;
}

function initialLanguage(): Language {
  const stored = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
  return stored === 'en' || stored === 'vi' ? stored : 'vi';
}

void i18next.use(initReactI18next).init({
  resources: { vi: { translation: messages('vi', vi) }, en: { translation: messages('en', en) } },
  lng: initialLanguage(),
  fallbackLng: 'vi',
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});

export function setLanguage(lang: Language): void {
  localStorage.setItem(STORAGE_KEY, lang);
  void i18next.changeLanguage(lang);
  document.documentElement.lang = lang;
}

if (typeof document !== 'undefined') document.documentElement.lang = initialLanguage();

export default i18next;
