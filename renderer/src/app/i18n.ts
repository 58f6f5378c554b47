/// <reference types="vite/client" />
/** i18next set-up: Vietnamese first, English second; the choice is remembered on this device. */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import vi from './locales/vi.json';
import { ApiRequestError } from '../net/api-client';

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

/** A translated message for an error from the server or the network. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiRequestError) return apiErrorMessage(err);
  const code = (err as { code?: string } | null)?.code;
  if (code && i18next.exists(`errors.${code}`)) return i18next.t(`errors.${code}`);
  const message = err instanceof Error ? err.message : String(err);
  return i18next.t('errors.unknown', { message });
}

/**
 * A translated message for an HTTP API error: the server's message key when this client knows it,
 * else the key of its code, else the server's own (English) message.
 */
export function apiErrorMessage(err: unknown): string {
  if (!(err instanceof ApiRequestError)) return errorMessage(err);
  const details = (err.details && typeof err.details === 'object' ? err.details : {}) as Record<string, unknown>;
  const values = { ...details, message: err.message };
  if (err.messageKey && i18next.exists(err.messageKey)) return i18next.t(err.messageKey, values);
  if (i18next.exists(`apiErrors.${err.code}`)) return i18next.t(`apiErrors.${err.code}`, values);
  return err.message || i18next.t('errors.unknown', { message: err.code });
}

export default i18next;
