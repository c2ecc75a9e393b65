/**
 * The fault scenarios that need real time, end to end (dist/ against the emulator; see fault-play.ts), in
 * `npm run test:slow`: a real minute of wait-timeout-minutes, the production read timeout (10 s) twice, and the real
 * retry backoff (8 attempts, up to 16 s of jittered pauses) twice. In process, in milliseconds, `npm test` covers:
 * the read timeout as RequestTimeout and a slow StartExecution retried into one execution
 * (test/unit/alibaba/oos/client.test.ts), the deadline and failing status checks (test/unit/execution/poll.test.ts),
 * giving up after the last attempt (test/unit/alibaba/retry.test.ts); and end to end, faults.test.ts spends the
 * retry budget in milliseconds with a short x-acs-retry-after. Also here, end to end, what `npm test` covers in process:
 * one transient fault of the status checks and of the patch states (each is a row of the in-process fault table too);
 * a StartExecution answer lost once (in process: 'StartExecution answer lost three times in a row' in
 * test/unit/execution/faults.test.ts, and the retried start in test/unit/execution/run-execution.test.ts; end to end,
 * faults.test.ts's 'every operation fails first…' run loses a start too); and SIGTERM during the wait
 * (src/runner/job-cancellation.ts takes SIGINT and SIGTERM with one handler: test/unit/runner/job-cancellation.test.ts
 * sends both, and faults.test.ts plays SIGINT end to end).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { READ_TIMEOUT_MS } from '../../src/alibaba/timeouts.js';
import { loseResponse, serverError, slow, throttle } from '../emulator/faults.js';
import { executionIdOf, LONG, newTally, patchStatesUnreadable, play, printTally, type Scenario, signalDuringWait } from './fault-play.js';

const scenarios: Scenario[] = [
  // First: the longest (a real minute), so that the others run beside it.
  {
    name: 'wait-timeout-minutes reached (with failing status checks on the way): cancelled',
    inputs: { 'wait-timeout-minutes': '1' },
    setup: ({ emulator, plan }) => {
      emulator.setTimings(LONG);
      plan.on('ListExecutions', [2, 3], serverError(503));
    },
    expect: {
      code: 1,
      status: 'Cancelled',
      executionStatus: 'Cancelled',
      error: [
        (c, r) => `Execution ${executionIdOf(c, r)} did not end within wait-timeout-minutes (1); its last status was Running (request ID`,
        'Cancelled it (CancelExecution request ID',
        'Raise wait-timeout-minutes',
      ],
    },
    more: (_c, r) => expect(r.summary).toContain('The execution ended Cancelled'),
  },
  {
    name: 'StartExecution answer slower than the read timeout',
    setup: ({ plan }) => void plan.on('StartExecution', 1, slow(READ_TIMEOUT_MS + 1500)),
    expect: { code: 0, status: 'Success', executionStatus: 'Success', log: ['attempt 1 of 8 failed: RequestTimeout'] },
  },
  {
    name: 'status check slower than the read timeout',
    setup: ({ plan }) => void plan.on('ListExecutions', 1, slow(READ_TIMEOUT_MS + 1500)),
    expect: { code: 0, status: 'Success', executionStatus: 'Success', log: ['ListExecutions attempt 1 of 8 failed: RequestTimeout'] },
  },
  {
    name: 'status checks fail past the retry budget; the wait goes on',
    setup: ({ plan }) => void plan.on('ListExecutions', { from: 1, to: 8 }, serverError(503)),
    expect: {
      code: 0,
      status: 'Success',
      executionStatus: 'Success',
      log: [
        'ListExecutions attempt 8 of 8 failed: ServiceUnavailable (HTTP 503)',
        'giving up',
        'failed (ServiceUnavailable); still waiting, until the deadline',
      ],
    },
  },
  // One transient fault of the status checks and of the patch states, end to end (in process: faults.test.ts in test/unit).
  {
    name: 'status checks throttled three times',
    setup: ({ plan }) => void plan.on('ListExecutions', [1, 2, 3], throttle({ code: 'Throttling.Api' })),
    expect: { code: 0, status: 'Success', executionStatus: 'Success', log: ['ListExecutions attempt 3 of 8 failed: Throttling.Api'] },
  },
  {
    name: 'patch states 500 once',
    setup: ({ plan }) => void plan.on('ListInstancePatchStates', 1, serverError(500)),
    expect: { code: 0, status: 'Success', executionStatus: 'Success' },
  },
  patchStatesUnreadable('patch states unreadable: every call 503', serverError(503)),
  // A lost StartExecution answer and SIGTERM, end to end (in process: see the header).
  {
    name: 'StartExecution answer lost after the execution was created',
    setup: ({ plan }) => void plan.on('StartExecution', 1, loseResponse()),
    expect: {
      code: 0,
      status: 'Success',
      executionStatus: 'Success',
      log: ['StartExecution took 2 attempts; every attempt sent the same ClientToken'],
    },
  },
  signalDuringWait('SIGTERM'),
];

const tally = newTally();

describe('fault injection that takes real time, end to end (dist/)', () => {
  afterAll(() => printTally('faults (slow)', tally));

  for (const s of scenarios) {
    it.concurrent(s.name, () => play(s, tally), 120_000);
  }
});
