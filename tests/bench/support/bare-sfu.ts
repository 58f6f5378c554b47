/**
 * The reference for the load benchmark: the same streams forwarded by bare mediasoup (two
 * workers, routers filled to the same threshold, the chair's and the speaker's producers piped
 * to the other router, plain transports), with no application around it. Runs as a child process
 * driven over IPC, so its CPU is measured apart from the load generator's.
 */
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { resolveWorkerBin } from '../../../scripts/mediasoup-worker/worker-path.mjs';
import { mediaCodecs } from '../../../sfu-server/src/media/media-codecs';
import { audioParameters, videoParameters, type PointStreams } from './rtp-points';

/** `srtp`: SRTP on every plain transport (`enableSrtp`), with each point's key; the reply carries the keys the SFU encrypts with towards each point. */
export type BareCommand =
  | { type: 'setup'; recvPorts: number[]; streams: PointStreams[]; maxPeersPerRouter: number; chair: number; speaker: number; srtp?: { cryptoSuite: types.SrtpCryptoSuite; pointKeys: string[] } }
  | { type: 'teardown' };
export type BareReply = { type: 'ready'; targets: { ip: string; port: number }[]; consumers: number; srtpKeys?: string[] } | { type: 'done' } | { type: 'error'; message: string };

const workerBin = process.env['MEDIASOUP_WORKER_BIN'] ?? resolveWorkerBin(process.cwd()) ?? undefined;
const workers: types.Worker[] = [];
let routers: types.Router[] = [];

async function setup(cmd: Extract<BareCommand, { type: 'setup' }>): Promise<BareReply> {
  while (workers.length < 2) workers.push(await mediasoup.createWorker({ logLevel: 'error', ...(workerBin ? { workerBin } : {}) }));
  const n = cmd.recvPorts.length;
  const routerOf: types.Router[] = [];
  routers = [];
  for (let i = 0; i < n; i++) {
    const slot = Math.floor(i / cmd.maxPeersPerRouter);
    if (!routers[slot]) routers[slot] = await workers[slot % workers.length]!.createRouter({ mediaCodecs });
    routerOf.push(routers[slot]!);
  }
  const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
  const targets: { ip: string; port: number }[] = [];
  const recv: types.PlainTransport[] = [];
  const producers: { video: types.Producer; audio: types.Producer }[] = [];
  const srtpKeys: string[] = [];
  const srtp = cmd.srtp ? { enableSrtp: true, srtpCryptoSuite: cmd.srtp.cryptoSuite } : {};
  const pointKey = (i: number) => (cmd.srtp ? { srtpParameters: { cryptoSuite: cmd.srtp.cryptoSuite, keyBase64: cmd.srtp.pointKeys[i]! } } : {});
  for (let i = 0; i < n; i++) {
    const router = routerOf[i]!;
    const send = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true, ...srtp });
    if (cmd.srtp) await send.connect(pointKey(i));
    targets.push({ ip: send.tuple.localAddress ?? send.tuple.localIp, port: send.tuple.localPort });
    const s = cmd.streams[i]!;
    const video = await send.produce({ kind: 'video', rtpParameters: videoParameters(s.videoSsrc) as types.RtpParameters });
    const audio = await send.produce({ kind: 'audio', rtpParameters: audioParameters(s.audioSsrc) as types.RtpParameters, paused: !s.audio });
    producers.push({ video, audio });
    const r = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: false, ...srtp });
    await r.connect({ ip: '127.0.0.1', port: cmd.recvPorts[i]!, ...pointKey(i) });
    if (cmd.srtp) srtpKeys.push(r.srtpParameters!.keyBase64);
    recv.push(r);
  }
  // The chair's and the speaker's producers reach every router.
  for (const who of [cmd.chair, cmd.speaker]) {
    for (const router of routers) {
      if (router === routerOf[who]) continue;
      for (const p of Object.values(producers[who]!)) await routerOf[who]!.pipeToRouter({ producerId: p.id, router });
    }
  }
  let consumers = 0;
  for (let i = 0; i < n; i++) {
    for (const who of [cmd.chair, cmd.speaker]) {
      if (who === i) continue;
      for (const p of Object.values(producers[who]!)) {
        await recv[i]!.consume({ producerId: p.id, rtpCapabilities: routerOf[i]!.rtpCapabilities, paused: false });
        consumers++;
      }
    }
  }
  return { type: 'ready', targets, consumers, ...(cmd.srtp ? { srtpKeys } : {}) };
}

process.on('message', (cmd: BareCommand) => {
  const run = async (): Promise<BareReply> => {
    if (cmd.type === 'setup') return setup(cmd);
    for (const r of routers) r.close();
    routers = [];
    return { type: 'done' };
  };
  run().then(
    (reply) => process.send?.(reply),
    (err: unknown) => process.send?.({ type: 'error', message: String(err) }),
  );
});
process.on('disconnect', () => {
  for (const w of workers) w.close();
  process.exit(0);
});
