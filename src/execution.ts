import * as core from '@actions/core';
import type { Clock } from './clock.js';
import type { ExecutionDetails } from './details.js';
import { type Execution, type InstancePatchState, isTerminal, type OosApi, type PatchPlan } from './oos/types.js';
import { waitForExecution } from './poll.js';

/** One execution of the template: what to start and how long to wait for it. */
export interface ExecutionRequest {
  plan: PatchPlan;
  clientToken: string;
  /** The instances whose patch states to read afterwards (the resolved ones, also when the plan targets tags). */
  instanceIds: readonly string[];
  timeoutMs: number;
  /** The longest pause between two status checks. */
  maxIntervalMs: number;
}

export interface ExecutionOutcome {
  /** The last state seen. */
  execution: Execution;
  /** Patch states of the request's instances; empty when the wait timed out. */
  states: InstancePatchState[];
  timedOut: boolean;
  /** Status requests made while waiting. */
  polls: number;
  /** Child executions, failures, patches and snapshots, when they were read (details.ts). */
  details?: ExecutionDetails;
}

/** The single-execution flow: start (or find, by ClientToken) -> wait -> read patch states. */
export async function runExecution(oos: OosApi, request: ExecutionRequest, clock: Clock): Promise<ExecutionOutcome> {
  const started = await start(oos, request);
  const waited = await waitForExecution(
    () => oos.getExecution(started.executionId),
    {
      timeoutMs: request.timeoutMs,
      maxIntervalMs: request.maxIntervalMs,
      onStatusChange: (e) => core.info(`Execution ${e.executionId}: ${e.status}${e.statusMessage ? ` (${e.statusMessage})` : ''}`),
    },
    clock,
  );
  const states = waited.timedOut ? [] : await oos.listInstancePatchStates(request.instanceIds);
  return { execution: waited.execution, states, timedOut: waited.timedOut, polls: waited.polls };
}

async function start(oos: OosApi, request: ExecutionRequest): Promise<Execution> {
  const requestedAt = Date.now();
  const execution = await oos.startExecution({ plan: request.plan, clientToken: request.clientToken });
  core.saveState('execution-id', execution.executionId);
  const startedAt = execution.startDate ? Date.parse(execution.startDate) : NaN;
  // The same token returns the existing execution: say so, because nothing new was started.
  if (isTerminal(execution.status) || (!Number.isNaN(startedAt) && startedAt < requestedAt - 30_000)) {
    core.info(
      `Execution ${execution.executionId} already existed for this ClientToken (started ${execution.startDate}); following it instead of starting another.`,
    );
  } else {
    core.info(`Started execution ${execution.executionId}`);
  }
  return execution;
}
