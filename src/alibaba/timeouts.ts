/**
 * Per-attempt timeouts of every Alibaba Cloud call, set explicitly (the SDK's 3 s default is too short for a slow
 * region, and silent). OOS and ECS answer these calls in well under a second; 10 s leaves room for a distant region
 * without letting a black-holed request eat the retry budget. They are equal on purpose: the SDK's HTTP layer (httpx)
 * also uses the connect timeout as the socket's idle timeout for the whole request, so a silent response is cut after
 * min(read, connect) anyway, and reported as a "ConnectTimeout".
 */
export const READ_TIMEOUT_MS = 10_000;
export const CONNECT_TIMEOUT_MS = 10_000;
