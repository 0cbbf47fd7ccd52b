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

/** The base of the construct `construct`'s own error class, named `Invalid<construct>Props`. */
export function invalidPropsOf<const C extends string>(construct: C) {
  const name: `Invalid${C}Props` = `Invalid${construct}Props`;
  return class extends InvalidProps {
    override readonly name = name;
    constructor(problems: readonly string[]) {
      super(construct, problems);
    }
  };
}
