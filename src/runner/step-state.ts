import * as core from '@actions/core';

/** Names passed from the main step to the post step through core.saveState (the runner hands them back as STATE_<name>). */
export const State = {
  /** Set by the main step: the same bundle runs as the post step when this comes back. */
  IsPost: 'isPost',
  /** The execution the main step started or found. */
  ExecutionId: 'executionId',
  /** 'true' once the main step saw the execution end, cancelled it, or deliberately left it: the post step has nothing to do. */
  Settled: 'settled',
} as const;

/**
 * Every core.saveState / core.getState call, in one place. The main step saves; the runner hands the values to the
 * post step as STATE_<name> variables, which is also how the post step knows it is the post step.
 */

export function markMainStep(): void {
  core.saveState(State.IsPost, 'true');
}

export function isPostStep(): boolean {
  return core.getState(State.IsPost) === 'true';
}

/** A new execution is running: the post step must look after it until the main step settles it (batches run one by one). */
export function saveExecutionId(executionId: string): void {
  core.saveState(State.ExecutionId, executionId);
  core.saveState(State.Settled, 'false');
}

/** The main step is done with the execution: it ended, was cancelled, or was left running on purpose. */
export function markSettled(): void {
  core.saveState(State.Settled, 'true');
}

/** What the main step tells the post step about its execution; the execution phase takes it, tests record the calls. */
export interface StepState {
  /** A new execution is running: the post step must look after it until it is settled. */
  saveExecutionId(executionId: string): void;
  /** The main step is done with the execution: it ended, was cancelled, or was left running on purpose. */
  markSettled(): void;
}

/** The StepState of the runner: core.saveState, read back by the post step through readPostState. */
export const coreStepState: StepState = { saveExecutionId, markSettled };

export interface PostState {
  /** '' when the main step started none. */
  executionId: string;
  settled: boolean;
}

export function readPostState(): PostState {
  return { executionId: core.getState(State.ExecutionId), settled: core.getState(State.Settled) === 'true' };
}
