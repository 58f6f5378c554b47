/**
 * The live broadcast's player: hls.js (loaded on first use, its own chunk) on Media Source
 * Extensions, or the browser's own HLS (Safari, iOS) where MSE is missing. It starts muted (browsers
 * refuse to autoplay sound) with a button to turn the sound on; the playlist URL carries the viewer's
 * token, so every segment fetch does too.
 */
import { Alert, Button, Group } from '@mantine/core';
import { IconVolume } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { broadcastApi } from './broadcast-api';

/** Live edge distance, in segments: a few seconds behind the room (segments are 1 s). */
export const LIVE_SYNC_SEGMENTS = 2;
/** How often the playlist is asked for again while it does not exist yet (the broadcast is starting). */
export const PLAYLIST_RETRY_MS = 2_000;

export function BroadcastPlayer({ playlistUrl, onLost }: { playlistUrl: string; onLost: () => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [muted, setMuted] = useState(true);
  const [unsupported, setUnsupported] = useState(false);

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let destroy = () => {};
    void (async () => {
      const url = await broadcastApi.absolute(playlistUrl);
      const { default: Hls } = await import('hls.js');
      if (cancelled) return;
      if (Hls.isSupported()) {
        const hls = new Hls({ liveSyncDurationCount: LIVE_SYNC_SEGMENTS, liveMaxLatencyDurationCount: 6, maxLiveSyncPlaybackRate: 1.2, backBufferLength: 10, manifestLoadingMaxRetry: 10, levelLoadingMaxRetry: 10, fragLoadingMaxRetry: 10 });
        let mediaRecoveries = 0;
        hls.on(Hls.Events.ERROR, (_event, data) => {
          if (!data.fatal) return;
          // 403: the token no longer opens the broadcast (invitation withdrawn, session ended): ask the server again.
          if (data.response?.code === 403) return onLost();
          // The playlist itself failed: 404 while the broadcast is starting (ffmpeg has not written
          // its first segment; a loaded server takes tens of seconds), or the network. hls.js does
          // not retry a 4xx, and startLoad() never asks for the playlist again, so the player stayed
          // black for good: load it again until it is there.
          if (data.details === Hls.ErrorDetails.MANIFEST_LOAD_ERROR || data.details === Hls.ErrorDetails.MANIFEST_LOAD_TIMEOUT || data.details === Hls.ErrorDetails.MANIFEST_PARSING_ERROR) {
            clearTimeout(retry);
            retry = setTimeout(() => hls.loadSource(url), PLAYLIST_RETRY_MS);
            return;
          }
          if (data.type === Hls.ErrorTypes.NETWORK_ERROR) hls.startLoad();
          else if (data.type === Hls.ErrorTypes.MEDIA_ERROR && mediaRecoveries++ < 3) hls.recoverMediaError();
          else onLost();
        });
        // Playing once the playlist is there (it may come only after a few retries).
        hls.on(Hls.Events.MANIFEST_PARSED, () => void el.play().catch(() => undefined));
        hls.loadSource(url);
        hls.attachMedia(el);
        destroy = () => {
          clearTimeout(retry);
          hls.destroy();
        };
      } else if (el.canPlayType('application/vnd.apple.mpegurl')) {
        // The native player gives up on a playlist not written yet, too: set it again until it plays.
        const onError = () => {
          clearTimeout(retry);
          retry = setTimeout(() => {
            el.src = url;
            void el.play().catch(() => undefined);
          }, PLAYLIST_RETRY_MS);
        };
        el.addEventListener('error', onError);
        el.src = url;
        destroy = () => {
          clearTimeout(retry);
          el.removeEventListener('error', onError);
          el.removeAttribute('src');
          el.load();
        };
      } else {
        setUnsupported(true);
        return;
      }
      el.muted = true;
      await el.play().catch(() => undefined);
    })();
    return () => {
      cancelled = true;
      destroy();
    };
  }, [playlistUrl, onLost]);

  if (unsupported) return <Alert color="red">{t('broadcast.unsupported')}</Alert>;
  return (
    <div style={{ position: 'relative', background: '#000', borderRadius: 8, overflow: 'hidden' }}>
      <video ref={video} data-testid="broadcast-video" playsInline muted={muted} controls={false} style={{ width: '100%', aspectRatio: '16 / 9', display: 'block' }} aria-label={t('broadcast.player')} />
      {muted && (
        <Group pos="absolute" top={8} right={8}>
          <Button
            size="xs"
            leftSection={<IconVolume size={14} />}
            onClick={() => {
              setMuted(false);
              if (video.current) {
                video.current.muted = false;
                void video.current.play().catch(() => undefined);
              }
            }}
          >
            {t('broadcast.unmute')}
          </Button>
        </Group>
      )}
    </div>
  );
}
