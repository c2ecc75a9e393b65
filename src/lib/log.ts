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

/** A line break to the runner's log reader (.NET ReadLine: CR, LF) and to anything that splits on Unicode ones. */
const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/g;
/** A workflow command: `::name::` (and the legacy `##[name]`) at the start of a line, after any leading space. */
const COMMAND_START = /^(\s*)(::|##\[)/;

/**
 * The one way text this action did not write (cloud answers, GitHub answers, the user's inputs and files) enters a
 * log line: line breaks become a visible `⏎`, so nothing can start a line of its own, and a leading `::` or `##[`
 * gets a zero-width space so the runner does not read a workflow command (`::stop-commands::`, `::add-mask::`).
 * Secrets are scrubbed by the Logger of the runner edge (src/runner/log.ts), the last step of every line.
 */
export function untrusted(text: string): string {
  return String(text).replace(LINE_BREAK, '⏎').replace(COMMAND_START, '$1\u200b$2');
}

/**
 * The runner edge's last step for every line it writes: any line of the message that would read as a workflow
 * command is neutralised (defence in depth: call sites already pass foreign text through `untrusted`).
 */
export function noCommands(message: string): string {
  return message
    .split(/(\r\n|[\r\n])/)
    .map((part) => part.replace(COMMAND_START, '$1\u200b$2'))
    .join('');
}
