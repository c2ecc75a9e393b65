/**
 * Which Alibaba Cloud console an account signs in to: accounts on the China site use oos.console.aliyun.com,
 * international-site accounts oos.console.alibabacloud.com (input `console-site`, default china).
 */
export const CONSOLE_SITES = ['china', 'international'] as const;
export type ConsoleSite = (typeof CONSOLE_SITES)[number];

const CONSOLE_HOST: Readonly<Record<ConsoleSite, string>> = {
  china: 'oos.console.aliyun.com',
  international: 'oos.console.alibabacloud.com',
};

/** The OOS console's page of an execution (pure: a URL). */
export function consoleUrl(region: string, executionId: string, site: ConsoleSite = 'china'): string {
  return `https://${CONSOLE_HOST[site]}/${encodeURIComponent(region)}/execution/detail/${encodeURIComponent(executionId)}`;
}
