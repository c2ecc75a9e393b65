/**
 * GitHub's own workflow and action.yml parser (@actions/workflow-parser, the one behind the Actions language
 * service). It imports JSON without import attributes, so it loads only through Vite: vitest.config.ts inlines it.
 */
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';

function messages(result: ReturnType<typeof parseAction>): string[] {
  return result.context.errors.getErrors().map((e) => e.message);
}

/** Schema errors in an action.yml; empty when it is valid. */
export function actionSchemaErrors(path: string, content: string): string[] {
  return messages(parseAction({ name: path, content }, new NoOperationTraceWriter()));
}

/** Schema errors in a workflow; empty when it is valid. */
export function workflowSchemaErrors(path: string, content: string): string[] {
  return messages(parseWorkflow({ name: path, content }, new NoOperationTraceWriter()));
}
