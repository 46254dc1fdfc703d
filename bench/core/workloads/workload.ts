// What a workload is and what it reports: one row per measured figure, with the contender's
// description of what it did, or the reason it failed validation (a failed contender is not timed).

import type { Contender, WorkloadName } from '../contenders/contender.js';
import type { Settings } from '../settings.js';

/** One measured figure of one contender. */
export interface Row {
  /** Row key, e.g. `churn-50`; the report groups and orders rows by it. */
  readonly workload: string;
  /** Human title, e.g. `churn at 50% occupancy (free + alloc)`. */
  readonly title: string;
  readonly contender: string;
  readonly unit: 'ns/op' | 'ns/pair' | 'ms/op' | 'B/ID';
  /** Median over samples; null when the contender failed. */
  readonly median: number | null;
  /** p99.9 of individually timed operations (churn), in ns. */
  readonly p999?: number | null;
  readonly samples: number;
  /** Operations per sample. */
  readonly opsPerSample: number;
  /** What the contender did, and whether that is the same work as ioasid's. */
  readonly how: string;
  readonly sameWork: boolean;
  /** Remarks printed under the table (fewer operations, timer overhead...). */
  readonly note?: string;
  /** Validation failure or crash; the row has no figures then. */
  readonly failed?: string;
  /** A workload's own verdict for targets that are not a simple limit (the empty notifier chain). */
  readonly verdict?: { readonly met: boolean; readonly detail: string };
  /** Every sample, for latest.json. */
  readonly raw?: readonly number[];
  readonly extra?: Readonly<Record<string, number>>;
}

export interface WorkloadContext {
  readonly contender: Contender;
  readonly settings: Settings;
}

export interface Workload {
  /** Name passed to the worker process. */
  readonly name: string;
  /** Which entry of Contender.does describes the contender's part (several rows may share one). */
  readonly kind: WorkloadName;
  /** Contenders the workload runs for, when not all (the notifier workloads are ioasid's alone). */
  readonly only?: readonly string[];
  run(context: WorkloadContext): Row[];
}

/** Runs `check`; returns null when it passes, else the failure as text (a thrown error included). */
export function validate(check: () => void): string | null {
  try {
    check();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Throws `message` unless `ok`: the assertion of the validation passes. */
export function expect(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

/** A row for a contender that failed validation: no figures. */
export function failedRow(base: Omit<Row, 'median' | 'samples' | 'opsPerSample'>, reason: string): Row {
  return { ...base, median: null, samples: 0, opsPerSample: 0, failed: reason };
}

/** Sink for checksums, so that no timed result is optimised away. */
export const sink = { value: 0 };

/** A row for a workload that threw or whose worker died: named by the workload, no figures. */
export function crashedRow(workload: string, contender: string, reason: string): Row {
  return {
    workload,
    title: workload,
    contender,
    unit: 'ns/op',
    median: null,
    samples: 0,
    opsPerSample: 0,
    how: '',
    sameWork: false,
    failed: reason,
  };
}
