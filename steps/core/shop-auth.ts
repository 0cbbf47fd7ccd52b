// How the steps that call the shop authenticate: the modes and the environment variables that carry them, shared with the stack.

/** `none`: unsigned (the local lab); `iam`: SigV4 for execute-api; `header`: one header whose value is a secret. */
export type ShopAuthType = 'none' | 'iam' | 'header';

export const SHOP_AUTH_TYPES: readonly ShopAuthType[] = Object.freeze(['none', 'iam', 'header']);

/** The environment variables of the traffic and verify-orders functions that say how to authenticate. */
export const SHOP_AUTH_ENV = Object.freeze({
  /** One of {@link SHOP_AUTH_TYPES}; unset means `none`. */
  type: 'SHOP_AUTH',
  /** With `header`: the header's name. */
  headerName: 'SHOP_AUTH_HEADER_NAME',
  /** With `header`: the Secrets Manager secret whose SecretString is the header's value. */
  secretArn: 'SHOP_AUTH_SECRET_ARN',
});
