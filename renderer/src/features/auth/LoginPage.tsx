/** The login page: username and password, with a clear reason when it does not work. */
import { Alert, Button, Card, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertCircle, IconLock } from '@tabler/icons-react';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { apiErrorMessage } from '../../shared/errors';
import { ApiRequestError } from '../../net/api-client';
import { login } from './session';

type Failure = { kind: 'wrong' } | { kind: 'disabled' } | { kind: 'rateLimited'; until: number } | { kind: 'other'; message: string };

function failureOf(err: unknown): Failure {
  if (err instanceof ApiRequestError) {
    if (err.code === 'rate_limited') {
      const seconds = Number((err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds);
      return { kind: 'rateLimited', until: Date.now() + (Number.isFinite(seconds) && seconds > 0 ? seconds : 60) * 1000 };
    }
    if (err.status === 401 || err.code === 'unauthorized') {
      const disabled = /disabled/i.test(err.messageKey) || /disabled/i.test(err.message);
      return disabled ? { kind: 'disabled' } : { kind: 'wrong' };
    }
  }
  return { kind: 'other', message: apiErrorMessage(err) };
}

/** "4 phút 05 giây" / "35 giây". */
function useCountdown(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  return until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

export function LoginPage({ expired }: { expired: boolean }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const wait = useCountdown(failure?.kind === 'rateLimited' ? failure.until : null);
  const blocked = failure?.kind === 'rateLimited' && wait > 0;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username.trim() || !password) {
      setFailure({ kind: 'other', message: t('login.required') });
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      await login(username.trim(), password);
      // The session store switches the app to the signed-in pages.
    } catch (err) {
      setFailure(failureOf(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const minutes = Math.floor(wait / 60);
  const seconds = wait % 60;
  const waitText = minutes > 0 ? t('login.waitMinutes', { minutes, seconds: String(seconds).padStart(2, '0') }) : t('login.waitSeconds', { seconds });

  let message: string | null = null;
  if (failure?.kind === 'wrong') message = t('login.wrong');
  else if (failure?.kind === 'disabled') message = t('login.disabled');
  else if (failure?.kind === 'rateLimited') message = wait > 0 ? t('login.rateLimited', { wait: waitText }) : t('login.rateLimitedOver');
  else if (failure?.kind === 'other') message = failure.message;

  return (
    <Card withBorder shadow="sm" radius="md" p="xl" maw={440} mx="auto" mt={48}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack gap="md">
          <Stack gap={4}>
            <Title order={1} size="h2">
              {t('login.title')}
            </Title>
            <Text c="dimmed" size="sm">
              {t('login.intro')}
            </Text>
          </Stack>
          {expired && !failure && (
            <Alert color="blue" role="status">
              {t('login.expired')}
            </Alert>
          )}
          <TextInput
            label={t('login.username')}
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={64}
            required
            autoFocus
          />
          <PasswordInput
            label={t('login.password')}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="current-password"
            maxLength={256}
            required
            visibilityToggleButtonProps={{ 'aria-label': t('login.showPassword') }}
          />
          {message && (
            <Alert color={failure?.kind === 'rateLimited' ? 'orange' : 'red'} role="alert" icon={failure?.kind === 'disabled' ? <IconLock /> : <IconAlertCircle />}>
              {message}
            </Alert>
          )}
          <Button type="submit" size="md" loading={busy} disabled={blocked}>
            {t('login.submit')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
