import { describe, expect, it } from 'vitest';
import { noCommands, untrusted } from '../../../src/lib/log.js';

/** What the runner's reader would take for a workflow command: a line starting (after spaces) with `::` or `##[`. */
const isCommand = (line: string): boolean => /^\s*(::|##\[)/.test(line);
const lines = (text: string): string[] => text.split(/\r\n|\r|\n|\u0085|\u2028|\u2029/);

describe('untrusted: foreign text on a log line', () => {
  it.each([
    ['LF', 'boom\n::stop-commands::x'],
    ['CR', 'boom\r::add-mask::Success'],
    ['CRLF', 'boom\r\n::error::forged'],
    ['Unicode line separator', 'boom\u2028::warning::x'],
    ['a leading command', '::stop-commands::x'],
    ['a leading command after spaces', '   ::add-mask::y'],
    ['a legacy command', '##[error]forged'],
  ])('keeps %s on one line that is not a command', (_, text) => {
    const out = untrusted(text);
    expect(lines(out)).toHaveLength(1);
    expect(isCommand(out)).toBe(false);
    // Nothing is dropped: the reader still sees what the server said.
    expect(out.replace(/[\u200b⏎]/g, '')).toBe(text.replace(/\r\n|[\r\n\u2028]/g, ''));
  });

  it('leaves ordinary text as it is', () => {
    expect(untrusted('Execution succeeded: 3 of 3 (a::b)')).toBe('Execution succeeded: 3 of 3 (a::b)');
  });
});

describe('noCommands: the runner edge last step', () => {
  it('neutralises every line of a message that would start a command, and keeps the lines', () => {
    const out = noCommands('first\n::stop-commands::x\r\n  ##[error]y\nlast');
    expect(lines(out)).toHaveLength(4);
    expect(lines(out).filter(isCommand)).toEqual([]);
  });
});
