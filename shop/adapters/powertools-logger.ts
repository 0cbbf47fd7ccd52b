// The shop's log lines as structured JSON through Powertools Logger: INFO on Lambda, silent elsewhere unless a level is set.
import { Logger, LogLevel } from '@aws-lambda-powertools/logger';
import type { LogFields, ShopLogger } from '../ports';

type LogLevelName = (typeof LogLevel)[keyof typeof LogLevel];

/** `POWERTOOLS_LOG_LEVEL` or `LOG_LEVEL` when set; else INFO on Lambda and silent off it (a shop embedded in a local run). */
export function shopLogLevel(env: NodeJS.ProcessEnv): LogLevelName {
  const asked = (env.POWERTOOLS_LOG_LEVEL?.trim() || env.LOG_LEVEL?.trim() || '').toUpperCase();
  if ((Object.values(LogLevel) as string[]).includes(asked)) return asked as LogLevelName;
  return env.AWS_LAMBDA_FUNCTION_NAME ? LogLevel.INFO : LogLevel.SILENT;
}

/**
 * A ShopLogger writing one JSON line per event. Lines about an order carry its `runId` among their
 * fields, so a Logs Insights query on the run id finds the shop's lines beside the GameDay's.
 */
export function createPowertoolsShopLogger(
  component: string,
  env: NodeJS.ProcessEnv = process.env,
): ShopLogger & { readonly logger: Logger } {
  const logger = new Logger({ serviceName: 'chaos-shop', logLevel: shopLogLevel(env), persistentKeys: { component } });
  const fields = (extra?: LogFields) =>
    Object.fromEntries(Object.entries(extra ?? {}).filter(([, value]) => value !== undefined));
  return {
    logger,
    info: (message, extra) => logger.info(message, fields(extra)),
    warn: (message, extra) => logger.warn(message, fields(extra)),
    error: (message, extra) => logger.error(message, fields(extra)),
  };
}
