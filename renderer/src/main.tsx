import '@fontsource/be-vietnam-pro/400.css';
import '@fontsource/be-vietnam-pro/600.css';
import '@fontsource/be-vietnam-pro/700.css';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/dates/styles.css';
import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './app/i18n';
import { App } from './app/App';
import { cssVariablesResolver, theme } from './app/theme';
import { DatesLocale } from './app/DatesLocale';
import { OfflineBanner } from './features/offline/OfflineBanner';
import { registerServiceWorker } from './offline/register';


const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    {/* Light or dark (features/appearance/ThemeToggle.tsx), remembered by Mantine in localStorage. */}
    <MantineProvider theme={theme} defaultColorScheme="auto" cssVariablesResolver={cssVariablesResolver}>
      <Notifications position="top-right" />
      {/* Offline or showing kept data, and since when (features/offline). */}
      <OfflineBanner />
      {/* Confirmations (a ballot, closing a vote, muting everyone) through @mantine/modals. */}
      <ModalsProvider>
        <DatesLocale>
          <App />
        </DatesLocale>
      </ModalsProvider>
    </MantineProvider>
  </StrictMode>,
);

registerServiceWorker();
