import { describe, expect, it } from 'vitest';
import { approvedBy, renderApproval } from '../../../src/approval/render.js';

const record = {
  environment: 'prod<x>',
  reviewers: [
    { login: 'alice', comment: 'ok | <b>ship</b>\nit' },
    { login: 'bob', comment: '' },
    { login: 'alice', comment: 'again' },
  ],
  jobBinding: "its OIDC token's environment claim",
};

describe('renderApproval', () => {
  it('shows the environment, the reviewers and their comments, escaped', () => {
    const md = renderApproval(record);
    expect(md).toContain('### Approval');
    expect(md).toContain('**prod&lt;x&gt;**');
    expect(md).toContain('| @alice | ok &#124; &lt;b&gt;ship&lt;/b&gt; it |');
    expect(md).toContain('| @bob | _no comment_ |');
    expect(md).not.toContain('<b>');
  });
});

describe('approvedBy', () => {
  it('lists each login once, comma-separated, and is empty without an approval', () => {
    expect(approvedBy(record)).toBe('alice,bob');
    expect(approvedBy(undefined)).toBe('');
  });
});
