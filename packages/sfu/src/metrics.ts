import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** The server's Prometheus metrics, in their own registry. */
export class Metrics {
  readonly registry = new Registry();
  readonly rooms = new Gauge({
    name: 'cosmo_rooms',
    help: 'Open classrooms',
    registers: [this.registry],
  });
  readonly participants = new Gauge({
    name: 'cosmo_participants',
    help: 'Participants in classrooms',
    registers: [this.registry],
  });
  readonly producers = new Gauge({
    name: 'cosmo_producers',
    help: 'Media producers',
    registers: [this.registry],
  });
  readonly consumers = new Gauge({
    name: 'cosmo_consumers',
    help: 'Media consumers',
    registers: [this.registry],
  });
  readonly connections = new Gauge({
    name: 'cosmo_connections',
    help: 'Open signalling connections',
    registers: [this.registry],
  });
  readonly framesIn = new Counter({
    name: 'cosmo_frames_in_total',
    help: 'Signalling frames received',
    registers: [this.registry],
  });
  readonly framesOut = new Counter({
    name: 'cosmo_frames_out_total',
    help: 'Signalling frames sent',
    registers: [this.registry],
  });
  readonly badFrames = new Counter({
    name: 'cosmo_bad_frames_total',
    help: 'Frames refused as BAD_FRAME',
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'cosmo_rejected_requests_total',
    help: 'Requests answered with an error, by code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly noticeDeliveries = new Counter({
    name: 'cosmo_notice_deliveries_total',
    help: 'Pushes and emails of notices, by channel and outcome (sent, skipped, failed, queued: to retry)',
    labelNames: ['channel', 'state'] as const,
    registers: [this.registry],
  });
  readonly clusterNodes = new Gauge({
    name: 'cosmo_cluster_nodes',
    help: 'Live nodes of the cluster, this one included (cluster mode)',
    registers: [this.registry],
  });
  readonly clusterMirrors = new Gauge({
    name: 'cosmo_cluster_remote_participants',
    help: "Participants of other nodes mirrored in this node's classrooms",
    registers: [this.registry],
  });
  readonly clusterMessages = new Counter({
    name: 'cosmo_cluster_messages_total',
    help: 'Messages on the cluster bus, by direction (in, out)',
    labelNames: ['direction'] as const,
    registers: [this.registry],
  });
  readonly droppedEvents = new Counter({
    name: 'cosmo_dropped_events_total',
    help: 'Ephemeral events dropped under backpressure',
    registers: [this.registry],
  });
  readonly workerCpu = new Gauge({
    name: 'cosmo_worker_cpu_seconds',
    help: 'CPU seconds used by each mediasoup worker',
    labelNames: ['pid'] as const,
    registers: [this.registry],
  });
  readonly workerDeaths = new Counter({
    name: 'cosmo_worker_deaths_total',
    help: 'mediasoup workers that died and were respawned',
    registers: [this.registry],
  });
  readonly recordingsActive = new Gauge({
    name: 'cosmo_recordings_active',
    help: 'Classrooms being recorded now',
    registers: [this.registry],
  });
  readonly recordingTracks = new Gauge({
    name: 'cosmo_recording_tracks',
    help: 'Tracks being written by recorders now',
    registers: [this.registry],
  });
  readonly recordingBytes = new Counter({
    name: 'cosmo_recording_bytes_written_total',
    help: 'Bytes of recorded media written to disk (segments)',
    registers: [this.registry],
  });
  readonly recordingFailures = new Counter({
    name: 'cosmo_recording_failures_total',
    help: 'Recorder and publishing failures, by stage (recorder: a writer died and was restarted; publish: a recording could not be published)',
    labelNames: ['stage'] as const,
    registers: [this.registry],
  });
  readonly recordingsPublished = new Counter({
    name: 'cosmo_recordings_published_total',
    help: 'Recordings published (joined into one file with captions)',
    registers: [this.registry],
  });

  constructor() {
    // Failures start at 0 (an alert on them sees a series, not "no data").
    for (const stage of ['recorder', 'publish']) this.recordingFailures.inc({ stage }, 0);
    collectDefaultMetrics({ register: this.registry, prefix: 'cosmo_process_' });
  }
}
