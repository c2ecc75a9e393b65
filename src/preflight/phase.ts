import { splitIntoBatches } from '../execution/batches.js';
import type { EcsApi } from '../alibaba/ecs/types.js';
import type { Settings } from '../inputs/parse.js';
import { type Logger, untrusted } from '../lib/log.js';
import type { PlanReport } from './plan.js';
import { chooseTargets, describeChecks, runPreflight } from './checks.js';
import { VERDICT_LABELS } from '../summary/parts.js';

/**
 * The pre-flight phase: check every instance through ECS, decide what to send (on-unavailable), and compute the
 * ClientToken over exactly those instances. Logs each problem; returns the plan, blocked or ready.
 */
export async function preflightPhase(
  settings: Settings,
  ecs: EcsApi,
  runId: string,
  log: Logger,
  now: () => number = Date.now,
): Promise<PlanReport> {
  const preflight = await runPreflight(ecs, settings.instanceIds, now);
  const decision = chooseTargets(preflight, settings.onUnavailable);
  const n = preflight.checks.length;
  log.startGroup(`Pre-flight: ${preflight.ready.length} of ${n} instance(s) ready`);
  for (const c of preflight.checks) {
    log.info(`${c.instanceId}: ${VERDICT_LABELS[c.verdict]}${c.reason ? ` (${untrusted(c.reason)})` : ''}`);
  }
  log.endGroup();
  const sent = decision.blocked ? settings.instanceIds : decision.targets;
  const tokens = splitIntoBatches(runId, settings, sent).map((b) => b.clientToken);
  const plan: PlanReport = {
    kind: 'plan',
    action: settings.action,
    region: settings.region,
    // The first batch's token: the only one unless the run has more than 1000 instances.
    clientToken: tokens[0] ?? '',
    dryRun: settings.dryRun,
    onUnavailable: settings.onUnavailable,
    requested: [...settings.instanceIds],
    targets: decision.targets,
    skipped: decision.skipped,
    preflight,
  };
  if (tokens.length > 1) plan.clientTokens = tokens;
  if (settings.install) plan.install = settings.install;
  if (decision.blocked) {
    plan.blocked = decision.blocked;
  } else if (decision.skipped.length > 0) {
    log.warning(
      `Pre-flight: skipping ${decision.skipped.length} of ${n} instance(s) (on-unavailable: skip): ${describeChecks(decision.skipped, 10)}. ` +
        `They are listed in the output skipped-instances.`,
      { title: 'Instances skipped by pre-flight' },
    );
  }
  return plan;
}
