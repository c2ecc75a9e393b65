/** Optional details of a warning annotation. */
export interface WarningProperties {
  /** The annotation's title in the run's summary. */
  title?: string;
}

/**
 * Where the phases write their log lines. The runner edge implements it with workflow commands (src/runner/log.ts);
 * tests pass one that records the lines.
 */
export interface Logger {
  info(message: string): void;
  /** A warning annotation: shown in the log and on the run's summary page. */
  warning(message: string, properties?: WarningProperties): void;
  /** Opens a collapsible group of log lines; endGroup closes it. */
  startGroup(name: string): void;
  endGroup(): void;
}
