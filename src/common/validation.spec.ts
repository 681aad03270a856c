import { BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { createValidationPipe } from './validation';

class Address {
  @IsString() city!: string;
}
class Body {
  @IsString() name!: string;
  @IsInt() @Min(1) seats!: number;
  @ValidateNested() @Type(() => Address) address!: Address;
}

describe('the global ValidationPipe', () => {
  const pipe = createValidationPipe();
  const run = (value: unknown) => pipe.transform(value, { type: 'body', metatype: Body });

  it('returns an instance of the DTO for a valid body', async () => {
    const out = await run({ name: 'Ada', seats: 2, address: { city: 'Oslo' } });
    expect(out).toBeInstanceOf(Body);
    expect(out.address).toBeInstanceOf(Address);
  });

  it('names every bad field, nested ones by path, and refuses unknown fields', async () => {
    const err: BadRequestException = await run({
      seats: 0,
      address: { city: 3 },
      admin: true,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestException);
    const res = err.getResponse() as {
      message: string;
      details: Array<{ field: string; problems: string[] }>;
    };
    expect(res.details.map((d) => d.field).sort()).toEqual([
      'address.city',
      'admin',
      'name',
      'seats',
    ]);
    expect(res.message).toMatch(/^Validation failed: /);
    expect(res.details.find((d) => d.field === 'admin')!.problems).toEqual([
      'property admin should not exist',
    ]);
  });

  it('does not coerce types implicitly: "2" is not a number', async () => {
    const err = await run({ name: 'Ada', seats: '2', address: { city: 'Oslo' } }).catch((e) => e);
    expect((err as BadRequestException).getResponse()).toMatchObject({
      details: [{ field: 'seats' }],
    });
  });
});
