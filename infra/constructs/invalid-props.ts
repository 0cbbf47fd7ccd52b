// The error a construct of the app throws for refused props: every problem found, in one message.

/** Props refused by the construct `construct`; `problems` lists every one. Each construct names its own subclass. */
export abstract class InvalidProps extends Error {
  constructor(
    construct: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid ${construct} props: ${problems.join('; ')}`);
  }
}
