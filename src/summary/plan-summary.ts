import { fitToBudget, SUMMARY_BUDGET_BYTES, type Measure, type Part, utf8Bytes } from './budget.js';
import { escapeCell as esc } from './markdown.js';
import type { PlanReport } from '../preflight/plan.js';
import { planTable, plural, preflightSection } from './parts.js';

/** The job summary of a run that stopped before StartExecution: a dry run, or pre-flight blocking it. Pure. */
export function renderPlanSummary(plan: PlanReport, budget = SUMMARY_BUDGET_BYTES, measure: Measure = utf8Bytes): string {
  const parts: Part[] = [
    headline(plan),
    planTable({
      ...plan,
      instances: plan.requested.length,
      skipped: plan.blocked ? 0 : plan.skipped.length,
      ...(plan.clientTokens ? { batches: plan.clientTokens.length } : {}),
    }),
    preflightSection(plan.preflight.checks, '### Pre-flight', plan.preflight.heartbeatMaxAgeMinutes),
  ];
  return fitToBudget(parts, budget, measure) + '\n';
}

function headline(p: PlanReport): string {
  const verb = p.action === 'install' ? 'patch install' : 'patch scan';
  const n = p.targets.length;
  if (p.blocked) {
    const title = `## ❌ ${p.dryRun ? 'Dry run: ' : ''}pre-flight stopped the ${verb} in ${esc(p.region)}`;
    const total = p.requested.length;
    const ready = p.preflight.ready.length;
    const why =
      ready === 0
        ? `none of the ${total} instance${plural(total)} passed pre-flight.`
        : `${total - ready} of ${total} instances failed pre-flight (on-unavailable: fail). ` +
          `Fix them, or set \`on-unavailable: skip\` to patch the other ${ready}.`;
    return `${title}\n\n**Nothing was started**: ${why}`;
  }
  const lines = [`## 🧪 Dry run: ${verb} in ${esc(p.region)} is ready to start`];
  lines.push(
    `**${n} instance${plural(n)} would be ${p.action === 'install' ? 'patched' : 'scanned'}.** Nothing was started (dry-run: true).`,
  );
  if (p.skipped.length > 0) {
    lines.push(
      `**${p.skipped.length} instance${plural(p.skipped.length)} would be skipped** (on-unavailable: skip): see Pre-flight below.`,
    );
  }
  return lines.join('\n\n');
}
