import { ValidateBy, ValidationOptions } from 'class-validator';
import { parseUsd } from '../money';

/** A non-negative USD amount: a JSON number or decimal string with at most six decimals. */
export function IsUsdAmount(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUsdAmount',
      validator: {
        validate: (value: unknown) => parseUsd(value) !== null,
        defaultMessage: (args) =>
          `${args?.property} must be a non-negative USD amount with at most 6 decimals (a number or a decimal string)`,
      },
    },
    options,
  );
}
