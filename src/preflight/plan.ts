import type { InstallOptions, PatchAction } from '../inputs/parse.js';
import type { OnUnavailable, PreflightReport } from './checks.js';
import type { InstanceCheck } from './checks.js';

/**
 * What the action would start, after pre-flight: written to the summary and the report file when the run
 * stops before StartExecution (a dry run, or pre-flight blocking it). Rendered by a pure function, like the report.
 */
export interface PlanReport {
  kind: 'plan';
  action: PatchAction;
  region: string;
  install?: InstallOptions;
  /** The ClientToken StartExecution gets (or would get), over `targets`: the first batch's when there are several. */
  clientToken: string;
  /** Every batch's ClientToken, in order, when more than 1000 targets make several executions. */
  clientTokens?: string[];
  dryRun: boolean;
  onUnavailable: OnUnavailable;
  /** Every instance asked for, in order. */
  requested: string[];
  /** The instances StartExecution gets (or would get). */
  targets: string[];
  /** Instances that failed pre-flight: left out (skip) or blocking the run (fail). */
  skipped: InstanceCheck[];
  preflight: PreflightReport;
  /** Why nothing may start; absent when the plan is ready. */
  blocked?: string;
}
