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

export function BroadcastPlayer({ playlistUrl, onLost }: { playlistUrl: string; onLost: () => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [muted, setMuted] = useState(true);
  const [unsupported, setUnsupported] = useState(false);

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    let cancelled = false;
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
          if (data.type === Hls.ErrorTypes.NETWORK_ERROR) hls.startLoad();
          else if (data.type === Hls.ErrorTypes.MEDIA_ERROR && mediaRecoveries++ < 3) hls.recoverMediaError();
          else onLost();
        });
        hls.loadSource(url);
        hls.attachMedia(el);
        destroy = () => hls.destroy();
      } else if (el.canPlayType('application/vnd.apple.mpegurl')) {
        el.src = url;
        destroy = () => {
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
