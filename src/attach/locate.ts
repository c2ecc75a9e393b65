import { CloudError } from '../alibaba/cloud-error.js';
import { consoleUrl } from '../alibaba/oos/console.js';
import type { ExecutionDescription, ReadOnlyOos } from '../alibaba/oos/types.js';
import type { ExecutionLocator } from '../inputs/flows.js';
import { ActionError } from '../lib/errors.js';

/**
 * The executions a report attaches to, as OOS describes them, in the order asked for. One case per form of
 * ExecutionLocator: attaching by the tags this action puts on its executions is another case here, and nothing
 * after this step changes.
 */
export async function locateExecutions(
  locator: ExecutionLocator,
  oos: Pick<ReadOnlyOos, 'describeExecution'>,
  region: string,
): Promise<ExecutionDescription[]> {
  switch (locator.by) {
    case 'execution-id': {
      const found: ExecutionDescription[] = [];
      for (const id of locator.executionIds) found.push(await describe(oos, id, region));
      return found;
    }
  }
}

/** One execution by ID; a missing one is an ActionError that names the region it was looked for in. */
async function describe(oos: Pick<ReadOnlyOos, 'describeExecution'>, executionId: string, region: string): Promise<ExecutionDescription> {
  try {
    return await oos.describeExecution(executionId);
  } catch (err) {
    if (err instanceof CloudError && err.code === 'EntityNotExists.Execution') {
      throw new ActionError(
        `Execution ${executionId} was not found in ${region}${err.requestId ? ` (request ID ${err.requestId})` : ''}. ` +
          `OOS executions are regional: check the execution-id, and set region to the region it was started in. ` +
          `Where it would be: ${consoleUrl(region, executionId)}`,
      );
    }
    throw err;
  }
}
