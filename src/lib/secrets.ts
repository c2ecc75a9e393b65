/** Shorter values are not scrubbed from text: a one-letter "secret" would garble every message. */
const MIN_SCRUB_LENGTH = 6;

/**
 * Every secret value the action has seen. `protect` masks a value in the runner's logs (the runner edge passes core.setSecret)
 * the moment it is known; `scrub` removes known values from a message we compose, as a last line of
 * defence for errors that quote a request or a response.
 */
export class SecretRegistry {
  private readonly values = new Set<string>();

  constructor(private readonly mask: (value: string) => void) {}

  protect(value: string | undefined): void {
    if (value === undefined) return;
    for (const v of new Set([value, value.trim()])) {
      if (v === '' || this.values.has(v)) continue;
      this.values.add(v);
      this.mask(v);
    }
  }

  scrub(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) {
      if (v.length >= MIN_SCRUB_LENGTH) out = out.split(v).join('***');
    }
    return out;
  }
}
