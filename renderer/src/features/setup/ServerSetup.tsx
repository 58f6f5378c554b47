/** Desktop first run: asks for the server address once; the desktop app remembers it. */
import { Alert, Button, Card, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { desktopApi } from '../../platform/desktop';

export function ServerSetup() {
  const { t } = useTranslation();
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const api = desktopApi();
    if (!api) return;
    setBusy(true);
    setError(null);
    const result = await api.setServerUrl(url.trim());
    // On success the desktop app loads the server's client in this window.
    if (!result.ok) setError(result.error);
    setBusy(false);
  };

  return (
    <Card withBorder shadow="sm" radius="md" p="lg" maw={520} mx="auto" mt="xl" component="main">
      <form onSubmit={(e) => void submit(e)}>
        <Stack>
          <Title order={1} size="h2">
            {t('setup.title')}
          </Title>
          <Text>{t('setup.intro')}</Text>
          <TextInput
            label={t('setup.serverUrl')}
            description={t('setup.serverUrlHint')}
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            type="url"
            required
            autoFocus
          />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Button type="submit" loading={busy}>
            {busy ? t('setup.checking') : t('setup.connect')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
