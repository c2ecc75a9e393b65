import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseActionMetadata } from '../../scripts/lib/action-metadata.js';
import { checkActionMetadata } from '../../scripts/lib/action-rules.js';
import { ROOT } from '../e2e/harness.js';
import { actionSchemaErrors } from './github-parser.js';
import { actionYml } from './files.js';

const exists = (path: string): boolean => existsSync(join(ROOT, path));

describe('action.yml', () => {
  it("passes GitHub's action schema", () => {
    expect(actionSchemaErrors('action.yml', actionYml())).toEqual([]);
  });

  it('has what the runner and the Marketplace need', () => {
    expect(checkActionMetadata(parseActionMetadata(actionYml()), exists)).toEqual([]);
  });
});

describe('the action.yml checks', () => {
  const broken = `
name: Broken
runs:
  using: node20
  main: dist/missing.js
inputs:
  flag:
    required: maybe
    default: false
  Token:
    description: Token.
    required: true
    default: x
outputs:
  out: {}
branding:
  icon: not-an-icon
  color: pink
`;

  it("GitHub's schema rejects a broken file", () => {
    const errors = actionSchemaErrors('broken.yml', broken).join('\n');
    expect(errors).toContain('description');
    expect(errors).toMatch(/node20|maybe|not-an-icon|pink/);
  });

  it('every rule fires on a broken file', () => {
    expect(checkActionMetadata(parseActionMetadata(broken), exists)).toEqual([
      'description is required',
      'runs.using must be node24, found "node20"',
      'runs.main names "dist/missing.js", which does not exist: run npm run build',
      'input flag has no description',
      'input flag: quote its default (the runner passes every input as a string)',
      'input Token is required and has a default: one of the two is wrong',
      'input Token: use lower-case kebab-case names',
      'output out has no description',
      'branding.color must be one of white, yellow, blue, green, orange, red, purple, gray-dark',
    ]);
  });

  it('asks for name, runs and branding when they are missing', () => {
    expect(checkActionMetadata(parseActionMetadata('description: d\n'), exists)).toEqual([
      'name is required',
      'runs is required',
      'branding (icon and color) is needed for the Marketplace',
    ]);
  });

  it('rejects YAML that does not parse', () => {
    expect(() => parseActionMetadata('name: a\nname: b\n')).toThrow(/not valid YAML/);
  });
});
