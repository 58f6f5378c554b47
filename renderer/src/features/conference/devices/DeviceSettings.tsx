/**
 * During the call: choose the camera, microphone and speaker (remembered on this device), and the
 * receive mode — normal, low bandwidth (lowest layers sent and received) or audio only. A new
 * camera or microphone replaces the sent track in place, without renegotiation.
 */
import { ActionIcon, Alert, Indicator, Modal, SegmentedControl, Select, Stack, Text, Tooltip } from '@mantine/core';
import { IconSettings } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReceiveMode } from '../../../../../common/protocol';
import { deviceErrorMessage } from '../../../shared/device-errors';
import { errorMessage } from '../../../shared/errors';
import type { ConferenceEngine } from '../conference-engine';
import { canChooseSpeaker } from '../MediaElement';
import { setRoomPreferences, useRoomPreferences } from '../room-preferences';
import { useConference, useConferenceShallow } from '../use-conference';
import { openDevice, useDevices } from './use-devices';

const options = (devices: MediaDeviceInfo[], fallback: string) => devices.filter((d) => d.deviceId).map((d, i) => ({ value: d.deviceId, label: d.label || `${fallback} ${i + 1}` }));

export function DeviceSettingsButton({ engine }: { engine: ConferenceEngine }) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const receiveMode = useConference(engine, (s) => s.receiveMode);
  return (
    <>
      <Tooltip label={t('devices.title')}>
        <Indicator disabled={receiveMode === 'normal'} color="orange" size={12} offset={6} data-testid="receive-mode-indicator">
          <ActionIcon size="xl" radius="xl" variant="light" aria-label={t('devices.title')} onClick={() => setOpened(true)}>
            <IconSettings />
          </ActionIcon>
        </Indicator>
      </Tooltip>
      <DeviceSettingsModal engine={engine} opened={opened} onClose={() => setOpened(false)} />
    </>
  );
}

/** The settings in their dialog (opened by the toolbar button, or from the compact toolbar's menu). */
export function DeviceSettingsModal({ engine, opened, onClose }: { engine: ConferenceEngine; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('devices.title')} centered>
      {opened && <DeviceSettings engine={engine} />}
    </Modal>
  );
}

function DeviceSettings({ engine }: { engine: ConferenceEngine }) {
  const { t } = useTranslation();
  const state = useConferenceShallow(engine, (s) => ({ localVideo: s.localVideo, receiveMode: s.receiveMode }));
  const prefs = useRoomPreferences();
  const devices = useDevices(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'audio' | 'video' | null>(null);
  const stream = engine.localStream;
  const cameraId = state.localVideo?.getSettings().deviceId ?? null;
  const microphoneId = stream?.getAudioTracks()[0]?.getSettings().deviceId ?? null;

  const switchTo = async (kind: 'audio' | 'video', deviceId: string | null) => {
    if (!deviceId) return;
    setError(null);
    setBusy(kind);
    try {
      const track = await openDevice(kind, deviceId);
      await engine.replaceTrack(kind === 'audio' ? 'mic' : 'webcam', track);
      setRoomPreferences(kind === 'audio' ? { microphoneId: deviceId } : { cameraId: deviceId });
    } catch (err) {
      setError(deviceErrorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Stack gap="md">
      <Select
        label={t('prejoin.camera')}
        data={options(devices.cameras, t('prejoin.camera'))}
        value={cameraId}
        onChange={(id) => void switchTo('video', id)}
        allowDeselect={false}
        disabled={devices.cameras.length === 0 || busy !== null}
        placeholder={t('prejoin.noCamera')}
        data-testid="camera-select"
      />
      <Select
        label={t('prejoin.microphone')}
        data={options(devices.microphones, t('prejoin.microphone'))}
        value={microphoneId}
        onChange={(id) => void switchTo('audio', id)}
        allowDeselect={false}
        disabled={devices.microphones.length === 0 || busy !== null}
        placeholder={t('prejoin.noMicrophone')}
        data-testid="microphone-select"
      />
      {canChooseSpeaker() ? (
        <Select
          label={t('devices.speaker')}
          data={[{ value: '', label: t('devices.defaultSpeaker') }, ...options(devices.speakers, t('devices.speaker')).filter((o) => o.value !== 'default')]}
          value={prefs.speakerId ?? ''}
          onChange={(id) => setRoomPreferences({ speakerId: id || null })}
          allowDeselect={false}
          data-testid="speaker-select"
        />
      ) : (
        <Text size="sm" c="dimmed">
          {t('devices.speakerUnsupported')}
        </Text>
      )}
      <div>
        <Text size="sm" fw={500} id="receive-mode-label" mb={4}>
          {t('devices.receiveMode')}
        </Text>
        <SegmentedControl
          fullWidth
          aria-labelledby="receive-mode-label"
          value={state.receiveMode}
          onChange={(mode) => void engine.setReceiveMode(mode as ReceiveMode).catch((err: unknown) => setError(errorMessage(err)))}
          data={[
            { value: 'normal', label: t('devices.modes.normal') },
            { value: 'low', label: t('devices.modes.low') },
            { value: 'audio-only', label: t('devices.modes.audio-only') },
          ]}
          data-testid="receive-mode"
        />
        <Text size="xs" c="dimmed" mt={4}>
          {t(`devices.modeHelp.${state.receiveMode}`)}
        </Text>
      </div>
      {error && (
        <Alert color="red" role="alert">
          {t('devices.switchFailed', { message: error })}
        </Alert>
      )}
    </Stack>
  );
}
