// asl-validator ships no type declarations: the part of its API the definition test uses.
declare module 'asl-validator' {
  interface AslValidationError {
    message?: string;
    [field: string]: unknown;
  }

  interface AslValidationResult {
    isValid: boolean;
    errors: AslValidationError[];
    errorsText(separator?: string): string;
  }

  interface AslValidatorOptions {
    /** Check the JSONPath expressions. @default true */
    checkPaths: boolean;
    /** Check that every Task's Resource is an ARN. @default true */
    checkArn: boolean;
  }

  function aslValidator(definition: unknown, options?: AslValidatorOptions): AslValidationResult;
  export = aslValidator;
}
