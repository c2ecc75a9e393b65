/** The OOS console's page of an execution (pure: a URL). */
export function consoleUrl(region: string, executionId: string): string {
  return `https://oos.console.aliyun.com/${encodeURIComponent(region)}/execution/detail/${encodeURIComponent(executionId)}`;
}
