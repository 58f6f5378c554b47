/**
 * Around a page whose code is loaded on first use (React.lazy): if that code cannot be fetched
 * (the link dropped while it downloaded, the server was updated and the old file is gone) or the
 * page fails while rendering, the user gets a message and a way to load the app again instead of
 * an empty window. Error boundaries are still class components in React.
 */
import { Alert, Button, Container, Stack, Text } from '@mantine/core';
import { Component, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from './errors';

function PageFailed({ error }: { error: unknown }) {
  const { t } = useTranslation();
  return (
    <Container size="xs" py="xl">
      <Alert color="red" role="alert" title={t('app.pageFailed')}>
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{errorMessage(error)}</Text>
          <Button size="xs" variant="light" onClick={() => window.location.reload()}>
            {t('app.reload')}
          </Button>
        </Stack>
      </Alert>
    </Container>
  );
}

/** `resetKey`: another page (another route) clears the error. */
export class PageErrorBoundary extends Component<{ resetKey: string; children: ReactNode }, { error: unknown; key: string }> {
  override state = { error: null as unknown, key: this.props.resetKey };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey: string }, state: { error: unknown; key: string }) {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  override render() {
    return this.state.error ? <PageFailed error={this.state.error} /> : this.props.children;
  }
}
