import { expect } from 'vitest';
import { CloudError } from '../../src/alibaba/cloud-error.js';

/** The CloudError a call must fail with (the test fails if it resolves, or rejects with anything else). */
export async function cloudFailure(p: Promise<unknown>): Promise<CloudError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CloudError);
  return e as CloudError;
}
