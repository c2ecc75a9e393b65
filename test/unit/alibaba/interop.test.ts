import { describe, expect, it } from 'vitest';
import { defaultExport } from '../../../src/alibaba/interop.js';

class Sdk {}

describe('defaultExport', () => {
  it('takes the class whether the loader hands over the export itself or module.exports with it under default', () => {
    expect(defaultExport(Sdk)).toBe(Sdk);
    // Plain Node ESM importing a CommonJS module compiled from TypeScript (exports.default = Sdk).
    expect(defaultExport({ default: Sdk, __esModule: true } as unknown as typeof Sdk)).toBe(Sdk);
    const plain = { helper: 1 };
    expect(defaultExport(plain)).toBe(plain);
  });
});
