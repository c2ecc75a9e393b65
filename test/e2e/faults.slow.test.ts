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
 * sends both, and faults.test.ts plays SIGINT end to end); and a step that starts nothing, its ClientToken already used
 * with different parameters (in process: startFailure's message in test/unit/execution/failure-messages.test.ts
 * "startFailure > a ClientToken reused with other parameters", the client's IdempotentParameterMismatch under either
 * reading of a reused token in test/unit/alibaba/oos/readings.test.ts "the OOS client under every reading > a reused
 * ClientToken with other parameters fails with the same clear message (tokenReuse=%s)", no retry of it in
 * test/unit/alibaba/retry.test.ts "isRetryable > does not retry IdempotentParameterMismatch (HTTP 400)", and the
 * not-started summary in test/unit/summary/run-summary.test.ts "renders a run that started nothing: the plan, the
 * token and why"; end to end, credentials.test.ts's 'RAM denies StartExecution' run starts nothing too).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { toCredential } from '../../src/alibaba/credential.js';
import { createOosClient } from '../../src/alibaba/oos/client.js';
import { READ_TIMEOUT_MS } from '../../src/alibaba/timeouts.js';
import { clientToken } from '../../src/execution/client-token.js';
import { parseInputs } from '../../src/inputs/parse.js';
import { DEFAULT_CREDENTIALS } from '../emulator/index.js';
import { loseResponse, serverError, slow, throttle } from '../emulator/faults.js';
import {
  executionIdOf,
  LONG,
  newTally,
  patchStatesUnreadable,
  play,
  printTally,
  type Scenario,
  signalDuringWait,
  until,
} from './fault-play.js';

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
  // A step that starts nothing, a ClientToken refused for other parameters: the NotStarted output and the summary that
  // says so (in process: see the header).
  {
    name: 'ClientToken already used with different parameters',
    seeds: true,
    setup: async ({ emulator, inputs }) => {
      const { settings } = parseInputs((n) => inputs[n] ?? '');
      const token = clientToken('1001', settings);
      const seeder = createOosClient({
        region: 'cn-hangzhou',
        endpoint: { protocol: 'HTTP', host: emulator.endpoint },
        credential: toCredential(DEFAULT_CREDENTIALS),
      });
      const spec = { ...settings, action: 'install' as const, install: { rebootIfNeed: true, createSnapshot: false, retentionDays: 7 } };
      await seeder.startExecution({ spec, clientToken: token });
      await until(() => emulator.executions().every((e) => e.endedAt !== undefined), 'the seeded execution to end');
      emulator.clearRequests();
    },
    expect: {
      code: 1,
      status: 'NotStarted',
      executionStatus: 'Success',
      error: [
        'StartExecution refused ClientToken',
        'started with other parameters',
        (c) => `request ID ${c.emulator.startExecutionCalls()[0]?.requestId}`,
        'Start a new workflow run',
      ],
    },
    more: ({ emulator }, r) => {
      expect(emulator.startExecutionCalls(), 'a 4xx is not retried').toHaveLength(1);
      expect(r.summary).toContain('not started');
    },
  },
];

const tally = newTally();

describe('fault injection that takes real time, end to end (dist/)', () => {
  afterAll(() => printTally('faults (slow)', tally));

  for (const s of scenarios) {
    it.concurrent(s.name, () => play(s, tally), 120_000);
  }
});
