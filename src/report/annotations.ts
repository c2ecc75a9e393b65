import type { PatchReport } from './model.js';

export interface Annotation {
  title: string;
  message: string;
}

/** GitHub shows at most 10 error annotations per step; one more line says how many were left out. */
export const MAX_FAILURE_ANNOTATIONS = 10;

/**
 * One error annotation per instance whose child execution failed: the failing task, its message and the last
 * log lines. Pure; the caller emits them. Beyond the limit, one annotation counts the rest.
 */
export function failureAnnotations(report: PatchReport, max = MAX_FAILURE_ANNOTATIONS): Annotation[] {
  const failed = report.instances.filter((i) => i.child?.status === 'Failed');
  const shown = failed.slice(0, max).map((i) => {
    const name = i.name ? ` (${i.name})` : '';
    const f = i.failure;
    const lines = [
      `${f?.task ? `Task ${f.task} failed` : 'The child execution failed'}${f?.message || i.child?.statusMessage ? `: ${f?.message || i.child?.statusMessage}` : ''}`,
    ];
    if (f && f.log.length > 0) lines.push('Last log lines:', ...f.log.slice(-5).map((l) => `  ${l}`));
    if (i.child) lines.push(`Child execution ${i.child.executionId} of ${report.execution.executionId}: ${report.execution.consoleUrl}`);
    return { title: `Patching failed on ${i.instanceId}${name}`, message: lines.join('\n') };
  });
  if (failed.length > shown.length) {
    shown.push({
      title: `Patching failed on ${failed.length - shown.length} more instance(s)`,
      message: `${failed
        .map((i) => i.instanceId)
        .slice(shown.length)
        .join(', ')}: see the job summary and the report file.`,
    });
  }
  return shown;
}
