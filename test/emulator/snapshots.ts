/**
 * ECS snapshots the emulator knows: written by OOS when an install with `whetherCreateSnapshot` finishes
 * (one system-disk snapshot per instance, named `Snapshot-<child execution id>` like the template does),
 * read by ECS DescribeSnapshots. A snapshot disappears once its retention days have passed.
 */
import { createHash } from 'node:crypto';
import { newId } from './util.js';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Template default of `retentionDays`. */
export const DEFAULT_RETENTION_DAYS = 7;

export interface SnapshotRecord {
  snapshotId: string;
  snapshotName: string;
  instanceId: string;
  /** System disk of the instance (see `systemDiskId`). */
  diskId: string;
  /** Region the execution ran in, when known. */
  regionId: string | undefined;
  /** Epoch ms. */
  creationTime: number;
  retentionDays: number;
  /** The parent OOS execution that created it. */
  executionId: string;
  status: 'accomplished';
}

/** Deterministic system disk ID of an instance (the fleet does not model disks). */
export function systemDiskId(instanceId: string): string {
  return `d-${createHash('sha256').update(`system/${instanceId}`).digest('hex').slice(0, 20)}`;
}

export class SnapshotStore {
  private readonly records: SnapshotRecord[] = [];

  add(snapshot: Omit<SnapshotRecord, 'snapshotId' | 'diskId' | 'status'>): SnapshotRecord {
    const record: SnapshotRecord = {
      ...snapshot,
      snapshotId: newId('s', 10),
      diskId: systemDiskId(snapshot.instanceId),
      status: 'accomplished',
    };
    this.records.push(record);
    return { ...record };
  }

  /** Snapshots not yet expired at time `t`, newest first. */
  live(t: number): SnapshotRecord[] {
    return this.records
      .map((r, seq) => ({ r, seq }))
      .filter(({ r }) => r.creationTime + r.retentionDays * DAY_MS > t)
      .sort((a, b) => b.r.creationTime - a.r.creationTime || b.seq - a.seq)
      .map(({ r }) => ({ ...r }));
  }

  /** Every snapshot ever created (including expired ones), oldest first. */
  all(): SnapshotRecord[] {
    return this.records.map((r) => ({ ...r }));
  }
}
