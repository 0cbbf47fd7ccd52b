// The target's ARNs and the shop's authentication, read from the GameDay configuration: each ARN checked for its shape,
// the ARNs for one account and region, the execute-api ARN derived from an API Gateway URL.
import { asRecord, describe, isHttpUrl, isLiteral } from './config-values';

/**
 * How the traffic and verify-orders steps authenticate to the shop. `iam`: SigV4, with
 * `execute-api:Invoke` on `executeApiArn` only; `header`: one header whose value is the SecretString
 * of `secretArn`, read through the Parameters and Secrets extension.
 */
export type ShopAuth =
  | { readonly type: 'none' }
  | { readonly type: 'iam'; readonly executeApiArn: string }
  | { readonly type: 'header'; readonly headerName: string; readonly secretArn: string };

export const DEFAULT_SHOP_AUTH: ShopAuth = Object.freeze({ type: 'none' });

/** The parts of an RDS or SQS ARN the checks compare. */
export interface ParsedArn {
  region: string;
  account: string;
  resource: string;
}

const RDS_ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):(.+)$/;
const SQS_ARN = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/;
export const PROXY_RESOURCE = /^db-proxy:prx-[a-z0-9]+$/;
export const TARGET_GROUP_RESOURCE = /^target-group:prx-tg-[a-z0-9]+$/;

/** The region an ARN names, or undefined when it is a token or not an ARN. */
export function regionOfArn(arn: string): string | undefined {
  if (!isLiteral(arn)) return undefined;
  const parts = arn.split(':');
  return parts.length >= 6 && parts[3] !== '' ? parts[3] : undefined;
}

/** The account an ARN names, or undefined when it is a token or not an ARN. */
function accountOfArn(arn: string): string | undefined {
  if (!isLiteral(arn)) return undefined;
  const parts = arn.split(':');
  return parts.length >= 6 && parts[4] !== '' ? parts[4] : undefined;
}

/** An RDS ARN of the resource shape given, parsed; a problem when it is not one. */
export function checkRdsArn(
  key: string,
  arn: string,
  resource: RegExp,
  shape: string,
  problems: string[],
): ParsedArn | undefined {
  if (!isLiteral(arn) || arn === '') return undefined;
  const match = RDS_ARN.exec(arn);
  if (!match || !resource.test(match[3])) {
    problems.push(`${key} must look like arn:aws:rds:<region>:<account>:${shape} (got ${JSON.stringify(arn)})`);
    return undefined;
  }
  return { region: match[1], account: match[2], resource: match[3] };
}

/** A queue's URL and ARN: each of its shape, and both naming the same queue. */
export function checkQueue(prefix: string, url: string, arn: string, problems: string[]): ParsedArn | undefined {
  let parsed: ParsedArn | undefined;
  if (isLiteral(arn) && arn !== '') {
    const match = SQS_ARN.exec(arn);
    if (match) parsed = { region: match[1], account: match[2], resource: match[3] };
    else
      problems.push(
        `${prefix}Arn must look like arn:aws:sqs:<region>:<account>:<queue name> (got ${JSON.stringify(arn)})`,
      );
  }
  if (isLiteral(url) && url !== '') {
    if (!isHttpUrl(url)) {
      problems.push(`${prefix}Url must be an http(s) URL (got ${JSON.stringify(url)})`);
    } else if (parsed) {
      const name = new URL(url).pathname.split('/').filter(Boolean).pop();
      if (name !== parsed.resource)
        problems.push(`${prefix}Url names queue "${name ?? ''}" but ${prefix}Arn names "${parsed.resource}"`);
    }
  }
  return parsed;
}

/** Every parsed ARN in the account and region of the first. */
export function checkSameLocation(arns: Array<readonly [string, ParsedArn | undefined]>, problems: string[]): void {
  const located = arns.filter((entry): entry is readonly [string, ParsedArn] => entry[1] !== undefined);
  if (located.length < 2) return;
  const [firstKey, first] = located[0];
  for (const [key, arn] of located.slice(1)) {
    if (arn.region !== first.region || arn.account !== first.account) {
      problems.push(
        `${key} is in ${arn.region}/${arn.account} but ${firstKey} is in ${first.region}/${first.account}: the GameDay needs them in one account and region`,
      );
    }
  }
}

const EXECUTE_API_ARN = /^arn:aws[a-z-]*:execute-api:[a-z0-9-]+:\d{12}:[a-z0-9]+\/\S+$/;
const EXECUTE_API_HOST = /^([a-z0-9]+)\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:\S+$/;
/** An HTTP header name (RFC 9110 token) that fetch lets a caller set. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'connection', 'transfer-encoding']);

/** `shopAuth`: none (default), iam (the execute-api ARN given, or derived from an API Gateway shopUrl) or header. */
export function readShopAuth(
  value: unknown,
  shopUrl: string,
  proxyArn: string,
  problems: string[],
): ShopAuth | undefined {
  if (value === undefined) return DEFAULT_SHOP_AUTH;
  const auth = asRecord(value, 'shopAuth', problems);
  const before = problems.length;
  const allowed: Record<string, readonly string[]> = {
    none: ['type'],
    iam: ['type', 'executeApiArn'],
    header: ['type', 'headerName', 'secretArn'],
  };
  const type = auth.type;
  if (typeof type !== 'string' || !(type in allowed)) {
    problems.push(`shopAuth.type must be "none", "iam" or "header" (got ${describe(type)})`);
    return undefined;
  }
  for (const extra of Object.keys(auth).filter((k) => !allowed[type].includes(k)))
    problems.push(`unknown key "shopAuth.${extra}" for shopAuth.type "${type}"`);
  if (type === 'none') return problems.length > before ? undefined : DEFAULT_SHOP_AUTH;
  if (type === 'iam') {
    let executeApiArn = auth.executeApiArn;
    if (executeApiArn === undefined) {
      executeApiArn = executeApiArnOf(shopUrl, proxyArn);
      if (executeApiArn === undefined && isLiteral(shopUrl)) {
        problems.push(
          'shopAuth.executeApiArn is required with shopAuth.type "iam" when shopUrl is not an API Gateway (execute-api) URL',
        );
      }
    } else if (
      typeof executeApiArn !== 'string' ||
      (isLiteral(executeApiArn) && !EXECUTE_API_ARN.test(executeApiArn))
    ) {
      problems.push(
        `shopAuth.executeApiArn must look like arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<method>/<path> (got ${describe(executeApiArn)})`,
      );
    }
    return problems.length > before || typeof executeApiArn !== 'string' ? undefined : { type, executeApiArn };
  }
  const { headerName, secretArn } = auth;
  if (
    typeof headerName !== 'string' ||
    !HEADER_NAME.test(headerName) ||
    RESERVED_HEADERS.has(headerName.toLowerCase())
  ) {
    problems.push(
      `shopAuth.headerName must be an HTTP header name other than ${[...RESERVED_HEADERS].join(', ')} (got ${describe(headerName)})`,
    );
  }
  if (typeof secretArn !== 'string' || (isLiteral(secretArn) && !SECRET_ARN.test(secretArn))) {
    problems.push(
      `shopAuth.secretArn must be a Secrets Manager secret ARN, arn:aws:secretsmanager:<region>:<account>:secret:<name> (got ${describe(secretArn)})`,
    );
  }
  return problems.length > before
    ? undefined
    : { type: 'header', headerName: headerName as string, secretArn: secretArn as string };
}

/** Every route and stage of the API an execute-api shopUrl names, in the proxy's account; undefined for any other URL. */
function executeApiArnOf(shopUrl: string, proxyArn: string): string | undefined {
  if (!isLiteral(shopUrl) || !isHttpUrl(shopUrl)) return undefined;
  const match = EXECUTE_API_HOST.exec(new URL(shopUrl).hostname);
  const account = accountOfArn(proxyArn);
  const partition = isLiteral(proxyArn) ? proxyArn.split(':')[1] : undefined;
  if (!match || !account || !partition) return undefined;
  return `arn:${partition}:execute-api:${match[2]}:${account}:${match[1]}/*`;
}
