/** A bad input: raised before any network call; the message names the input and the expected form. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(`Input '${input}': ${message}`);
    this.name = 'InputError';
  }
}

/** A failure the user can act on; `message` already says what happened and what to do next. */
export class ActionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ActionError';
  }
}

/** The job is being cancelled (the runner sent SIGINT or SIGTERM): stop waiting, clean up, report, exit. */
export class CancelledError extends Error {
  constructor(message = 'the job was cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}
