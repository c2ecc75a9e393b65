import { describe, expect, it } from 'vitest';
import { approvedBy, MAX_COMMENT_CHARS, renderApproval } from '../../../src/approval/render.js';

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

  it('cuts a very long comment', () => {
    const md = renderApproval({ ...record, reviewers: [{ login: 'a', comment: 'x'.repeat(MAX_COMMENT_CHARS * 10) }] });
    expect(md).toContain(`${'x'.repeat(MAX_COMMENT_CHARS)}…`);
    expect(md).not.toContain('x'.repeat(MAX_COMMENT_CHARS + 1));
  });
});

describe('approvedBy', () => {
  it('lists each login once, comma-separated, and is empty without an approval', () => {
    expect(approvedBy(record)).toBe('alice,bob');
    expect(approvedBy(undefined)).toBe('');
  });
});
