/**
 * action.yml read with a real YAML parser into a typed shape, keeping what the docs and the checks need:
 * the README tables are generated from it, and the metadata rules run over it.
 */
import { isMap, isScalar, parseDocument, type Document } from 'yaml';

export interface ActionInput {
  name: string;
  description: string | undefined;
  required: boolean;
  /** The default as written; undefined when the input has none. */
  default: string | undefined;
  /** False when the YAML default is not a string scalar (for example an unquoted `false`). */
  defaultIsString: boolean;
}

export interface ActionOutput {
  name: string;
  description: string | undefined;
}

export interface ActionMetadata {
  name: unknown;
  description: unknown;
  runs: Record<string, unknown> | undefined;
  branding: Record<string, unknown> | undefined;
  inputs: ActionInput[];
  outputs: ActionOutput[];
}

/** Parses action.yml text; throws with the parser's messages when it is not valid YAML. */
export function parseActionMetadata(text: string): ActionMetadata {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new Error(`action.yml is not valid YAML:\n${doc.errors.map((e) => e.message).join('\n')}`);
  const root = doc.toJS() as Record<string, unknown> | null;
  if (root === null || typeof root !== 'object') throw new Error('action.yml is empty or not a mapping');
  return {
    name: root.name,
    description: root.description,
    runs: asRecord(root.runs),
    branding: asRecord(root.branding),
    inputs: Object.entries(asRecord(root.inputs) ?? {}).map(([name, value]) => toInput(doc, name, asRecord(value) ?? {})),
    outputs: Object.entries(asRecord(root.outputs) ?? {}).map(([name, value]) => ({
      name,
      description: asString(asRecord(value)?.description),
    })),
  };
}

function toInput(doc: Document, name: string, spec: Record<string, unknown>): ActionInput {
  const node = doc.getIn(['inputs', name, 'default'], true);
  const hasDefault = node !== undefined && !(isScalar(node) && node.value === null);
  return {
    name,
    description: asString(spec.description),
    required: spec.required === true,
    default: hasDefault ? String(spec.default) : undefined,
    defaultIsString: !hasDefault || (isScalar(node) && typeof node.value === 'string'),
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** True when `text` parses to a mapping at the top (used by the checks to report a broken file clearly). */
export function isYamlMapping(text: string): boolean {
  const doc = parseDocument(text);
  return doc.errors.length === 0 && isMap(doc.contents);
}
