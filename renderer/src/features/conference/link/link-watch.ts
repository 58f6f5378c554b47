/**
 * Our link, followed while joined: every SAMPLE_MS it measures the link from both transports'
 * statistics, shows it as signal bars, feeds the automatic fallback (link/fallback-rules.ts), and
 * reports it to the server (which tells the chair). Chairs and hosts also load the others' links
 * once (then follow `linkQuality` notifications). Part of the media session.
 */
import type { types } from 'mediasoup-client';
import { rateDirection, rateLink } from '../../../../../common/link-quality';
import type { LinkFallback, ReceiveMode } from '../../../../../common/protocol';
import { sameLink, type ConferenceStore, type LinkView } from '../conference-store';
import type { SignalingConnection } from '../signaling-session';
import { initialFallback, nextFallback, overrideFallback, SAMPLE_MS, type FallbackLevel, type FallbackState } from './fallback-rules';
import { linkFigures, type RecvCounters, type StatsEntry } from './link-figures';

export interface LinkWatchHost {
  /** The send and receive transports now (null before they exist). */
  transports: () => [types.Transport | null, types.Transport | null];
  /** A camera producer exists. */
  sendsVideo: () => boolean;
  /** Applies the chosen mode lowered by the fallback's level (after the level changed). */
  applyMode: () => Promise<void>;
}

const MODE_ORDER: ReceiveMode[] = ['normal', 'low', 'audio-only'];

export class LinkWatch {
  readonly #store: ConferenceStore;
  readonly #host: LinkWatchHost;
  #fallback: FallbackState = initialFallback;
  #recvCounters: RecvCounters | null = null;
  #stop: (() => void) | null = null;

  constructor(store: ConferenceStore, host: LinkWatchHost) {
    this.#store = store;
    this.#host = host;
  }

  /** The automatic fallback's level now. */
  get level(): FallbackLevel {
    return this.#fallback.level;
  }

  /** A new meeting: no fallback. */
  reset(): void {
    this.#fallback = initialFallback;
  }

  start(client: SignalingConnection, current: () => boolean): void {
    this.stop();
    this.#recvCounters = null;
    let busy = false;
    const timer = setInterval(() => {
      if (busy || !current()) return;
      busy = true;
      void this.#sample(client, current)
        .catch((err: unknown) => console.warn('could not measure the link', err))
        .finally(() => (busy = false));
    }, SAMPLE_MS);
    this.#stop = () => clearInterval(timer);
    client.request('link.states', {}).then(
      ({ links }) => {
        const selfId = this.#store.getState().selfId;
        if (current()) this.#store.setState({ peerLinks: Object.fromEntries(links.filter((l) => l.peerId !== selfId).map((l) => [l.peerId, l])) });
      },
      () => undefined, // not the chair or a host: forbidden
    );
  }

  stop(): void {
    this.#stop?.();
    this.#stop = null;
  }

  /** The user chose a mode: choosing more than the fallback allows now is its "go back" click. */
  async chose(mode: ReceiveMode): Promise<void> {
    if (MODE_ORDER.indexOf(mode) < this.#fallback.level) this.#fallback = overrideFallback(this.#fallback, Date.now());
    this.#publish();
    await this.#host.applyMode();
  }

  /** The banner's one click: back to full quality now; no automatic fallback for a while. */
  async restore(): Promise<void> {
    this.#fallback = overrideFallback(this.#fallback, Date.now());
    this.#publish();
    await this.#host.applyMode();
  }

  async #sample(client: SignalingConnection, current: () => boolean): Promise<void> {
    const [send, recv] = this.#host.transports();
    if (!send || !recv || send.closed || recv.closed) return;
    const list = (report: RTCStatsReport) => {
      const out: StatsEntry[] = [];
      report.forEach((e: StatsEntry) => out.push(e));
      return out;
    };
    const [sendStats, recvStats] = await Promise.all([send.getStats(), recv.getStats()]);
    if (!current()) return;
    const now = Date.now();
    const f = linkFigures(list(sendStats), list(recvStats), this.#recvCounters, now);
    this.#recvCounters = f.counters;
    const state = this.#store.getState();
    const sendsVideo = state.chosenReceiveMode !== 'audio-only' && !state.cameraOff && this.#host.sendsVideo();
    // A low bandwidth estimate counts only when it actually holds our video back; what we receive
    // is judged by loss and delay (little arrives on a good link when nobody sends video).
    const rating = rateLink(
      rateDirection({ loss: f.send.loss, videoLoss: f.send.videoLoss, rttMs: f.send.rttMs, bitrate: f.send.limitedByBandwidth ? f.send.bitrate : null }, sendsVideo),
      rateDirection({ loss: f.recv.loss, videoLoss: f.recv.videoLoss, rttMs: f.recv.rttMs, bitrate: null }),
    );
    const percent = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
    // The loss shown and reported is the speech's; the video's only where no speech flowed.
    const sendLoss = f.send.loss ?? f.send.videoLoss ?? null;
    const recvLoss = f.recv.loss ?? f.recv.videoLoss ?? null;
    const link: LinkView = {
      sendBars: rating.send.bars,
      recvBars: rating.recv.bars,
      quality: rating.quality,
      suggestion: rating.suggestion,
      lossPercent: sendLoss === null && recvLoss === null ? null : percent(Math.max(sendLoss ?? 0, recvLoss ?? 0)),
      rttMs: f.send.rttMs ?? f.recv.rttMs,
      availableSendKbps: f.send.bitrate === null ? null : Math.round(f.send.bitrate / 1000),
    };
    // Most samples show the same as the last one: nothing to re-render then.
    if (!sameLink(state.link, link)) this.#store.setState({ link });
    const before = this.#fallback.level;
    this.#fallback = nextFallback(this.#fallback, rating.quality, now);
    this.#publish();
    if (this.#fallback.level !== before) await this.#host.applyMode();
    const fallback: LinkFallback = this.#fallback.level === 2 ? 'audio-only' : this.#fallback.level === 1 ? 'reduced' : 'none';
    client
      .request('link.report', {
        sendBars: link.sendBars,
        recvBars: link.recvBars,
        sendLossPercent: percent(sendLoss),
        recvLossPercent: percent(recvLoss),
        rttMs: link.rttMs === null ? null : Math.min(120_000, Math.round(link.rttMs)),
        availableSendKbps: link.availableSendKbps,
        fallback,
      })
      .catch(() => undefined);
  }

  /** The fallback as the banner shows it (a new object only when it changed). */
  #publish(): void {
    const f = this.#fallback;
    const cur = this.#store.getState().fallback;
    if (cur.level !== f.level || cur.since !== f.since || cur.holdUntil !== f.holdUntil) this.#store.setState({ fallback: { level: f.level, since: f.since, holdUntil: f.holdUntil } });
  }
}
