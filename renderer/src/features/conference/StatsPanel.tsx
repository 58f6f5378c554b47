/** Per-tile connection details: resolution, frame rate, bitrate, packet loss, round-trip time. */
import { Table, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConferenceEngine } from './conference-engine';
import type { TrackStats } from './track-stats';

const kbps = (bps: number | null) => (bps === null ? null : `${Math.round(bps / 1000)} kbit/s`);

export function StatsPanel({ engine, peerId }: { engine: ConferenceEngine; peerId: string }) {
  const { t } = useTranslation();
  const [stats, setStats] = useState<{ video: TrackStats | null; audio: TrackStats | null } | null>(null);
  useEffect(() => {
    let alive = true;
    const read = () => void engine.peerStats(peerId).then((s) => alive && setStats(s));
    read();
    const timer = setInterval(read, 1000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [engine, peerId]);

  const v = stats?.video;
  const a = stats?.audio;
  const none = t('stats.none');
  const rows: [string, string | null][] = [
    [t('stats.resolution'), v?.width && v.height ? `${v.width}×${v.height}` : null],
    [t('stats.frameRate'), v?.framesPerSecond != null ? `${Math.round(v.framesPerSecond)} fps` : null],
    [t('stats.bitrate'), kbps(v?.bitrate ?? null)],
    [t('stats.audioBitrate'), kbps(a?.bitrate ?? null)],
    [t('stats.packetLoss'), v || a ? `${(((v?.lossPercent ?? 0) + (a?.lossPercent ?? 0)) / (v && a ? 2 : 1)).toFixed(1)} %` : null],
    [t('stats.rtt'), (v?.roundTripTimeMs ?? a?.roundTripTimeMs) != null ? `${Math.round((v?.roundTripTimeMs ?? a?.roundTripTimeMs) as number)} ms` : null],
  ];
  return (
    <Table withRowBorders={false} verticalSpacing={2} fz="xs" aria-label={t('stats.title')}>
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th scope="row">
              <Text size="xs">{label}</Text>
            </Table.Th>
            <Table.Td data-stat={label}>{value ?? none}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
