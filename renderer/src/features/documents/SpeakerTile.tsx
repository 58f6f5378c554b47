/**
 * While a document is open over the room, the person speaking stays in view: a small tile in a
 * corner of the viewer with the floor holder (or the active speaker), their video and name. It
 * can be dragged anywhere in the viewer, tucked away to a small chip, or sent to the system's
 * picture-in-picture window where the browser offers it.
 */
import { ActionIcon, Box, Group, Text, Tooltip } from '@mantine/core';
import { IconChevronsDownLeft, IconMicrophone, IconPictureInPicture, IconUser } from '@tabler/icons-react';
import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConferenceEngine } from '../conference/conference-engine';
import { quietLiveMedia } from '../conference/quiet-live-media';
import { useConferenceShallow } from '../conference/use-conference';
import { useFloor } from '../floor/floor-store';
import { chooseSpeaker, clampPosition, type TilePosition } from './speaker-choice';

const WIDTH = 224;
const HEIGHT = 126;

export function SpeakerTile({ engine }: { engine: ConferenceEngine }) {
  const { t } = useTranslation();
  const state = useConferenceShallow(engine, (s) => ({ peers: s.peers, self: s.self, activeSpeakerId: s.activeSpeakerId, cameraOff: s.cameraOff, localVideo: s.localVideo }));
  const floor = useFloor(engine);
  const choice = chooseSpeaker(state.peers, state.self, state.activeSpeakerId, floor.state?.holder?.accountId ?? null);
  const [pos, setPos] = useState<TilePosition>({ right: 16, bottom: 40 });
  const [tucked, setTucked] = useState(false);
  const boxRef = useRef<HTMLDivElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const drag = useRef<{ x: number; y: number; start: TilePosition } | null>(null);

  const track = !choice ? null : choice.kind === 'self' ? (state.cameraOff ? null : state.localVideo) : (choice.peer.tracks.find((x) => x.kind === 'video' && x.source === 'webcam' && !x.producerPaused)?.track ?? null);
  const name = !choice ? '' : choice.kind === 'self' ? t('documents.speaker.you') : choice.peer.info.pointName || choice.peer.info.displayName;

  useEffect(() => {
    const el = videoRef.current;
    if (!el) return;
    quietLiveMedia();
    el.srcObject = track ? new MediaStream([track]) : null;
    if (track) void el.play().catch(() => undefined);
  }, [track, tucked]);

  if (!choice) return null;

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    if ((e.target as HTMLElement).closest('button')) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, y: e.clientY, start: pos };
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    const parent = boxRef.current?.offsetParent as HTMLElement | null;
    if (!d || !parent) return;
    setPos(clampPosition({ right: d.start.right - (e.clientX - d.x), bottom: d.start.bottom - (e.clientY - d.y) }, { width: boxRef.current!.offsetWidth, height: boxRef.current!.offsetHeight }, { width: parent.clientWidth, height: parent.clientHeight }));
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const pip = typeof document !== 'undefined' && document.pictureInPictureEnabled && track !== null;
  const label = choice.reason === 'floor' ? t('documents.speaker.hasFloor', { name }) : t('documents.speaker.speaking', { name });

  return (
    <Box
      ref={boxRef}
      role="complementary"
      aria-label={label}
      data-testid="speaker-tile"
      data-speaker={choice.kind === 'self' ? 'self' : choice.peer.info.id}
      data-reason={choice.reason}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      style={{
        position: 'absolute',
        right: pos.right,
        bottom: pos.bottom,
        width: tucked ? 'auto' : WIDTH,
        height: tucked ? 'auto' : HEIGHT,
        zIndex: 6,
        borderRadius: 8,
        overflow: 'hidden',
        background: '#1b1f24',
        boxShadow: '0 4px 16px rgba(0,0,0,.35)',
        cursor: 'move',
        touchAction: 'none',
        userSelect: 'none',
      }}
    >
      {!tucked && (
        <>
          {track ? (
            <video ref={videoRef} autoPlay playsInline muted aria-hidden data-live-track="" style={{ width: '100%', height: '100%', objectFit: 'cover', display: 'block', transform: choice.kind === 'self' ? 'scaleX(-1)' : undefined }} />
          ) : (
            <Group justify="center" align="center" h="100%">
              <IconUser size={40} color="#9aa4b2" aria-hidden />
            </Group>
          )}
        </>
      )}
      <Group gap={4} wrap="nowrap" p={4} style={tucked ? undefined : { position: 'absolute', left: 0, right: 0, bottom: 0, background: 'linear-gradient(transparent, rgba(0,0,0,.8))' }}>
        <IconMicrophone size={14} color="#7ee2a8" aria-hidden style={{ flex: 'none' }} />
        <Text size="xs" c="white" fw={600} truncate style={{ flex: 1, minWidth: 0 }} data-testid="speaker-tile-name">
          {name}
        </Text>
        {pip && !tucked && (
          <Tooltip label={t('documents.speaker.pip')}>
            <ActionIcon size="sm" variant="subtle" color="gray.0" aria-label={t('documents.speaker.pip')} onClick={() => void videoRef.current?.requestPictureInPicture().catch(() => undefined)}>
              <IconPictureInPicture size={14} />
            </ActionIcon>
          </Tooltip>
        )}
        <Tooltip label={tucked ? t('documents.speaker.show') : t('documents.speaker.tuck')}>
          <ActionIcon size="sm" variant="subtle" color="gray.0" aria-expanded={!tucked} aria-label={tucked ? t('documents.speaker.show') : t('documents.speaker.tuck')} onClick={() => setTucked((v) => !v)} data-testid="speaker-tile-tuck">
            <IconChevronsDownLeft size={14} />
          </ActionIcon>
        </Tooltip>
      </Group>
    </Box>
  );
}
