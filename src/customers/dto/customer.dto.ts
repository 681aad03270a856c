import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DNS_LABEL, DNS_LABEL_MAX } from '../dns-label';

export const PLANS = ['free', 'pro', 'enterprise'] as const;
export const CUSTOMER_STATUSES = [
  'provisioning',
  'active',
  'failed',
  'deleting',
  'deleted',
] as const;

/** Trims strings so "  " is caught as empty and names are stored clean. */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

export class CreateCustomerDto {
  @ApiProperty({ example: 'Acme Corp', maxLength: 200 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({
    example: 'acme',
    description:
      'DNS-1123 label, unique; derived from the name when absent. Names the namespace (prefix + slug ≤ 63).',
    pattern: DNS_LABEL.source,
    maxLength: DNS_LABEL_MAX,
  })
  @IsOptional()
  @IsString()
  @MaxLength(DNS_LABEL_MAX)
  @Matches(DNS_LABEL, {
    message:
      'slug must be a DNS-1123 label: lowercase letters, digits and "-", alphanumeric at both ends',
  })
  slug?: string;

  @ApiPropertyOptional({ enum: PLANS, default: 'free' })
  @IsOptional()
  @IsIn(PLANS)
  plan?: (typeof PLANS)[number];
}

/** The slug is not editable: it names the customer's Kubernetes namespace. */
export class UpdateCustomerDto {
  @ApiPropertyOptional({ example: 'Acme Corporation', maxLength: 200 })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    enum: PLANS,
    description: 'A plan change re-provisions the namespace quotas',
  })
  @IsOptional()
  @IsIn(PLANS)
  plan?: (typeof PLANS)[number];
}

export class CustomerDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'acme' }) slug!: string;
  @ApiProperty({ example: 'customer-acme' }) namespace!: string;
  @ApiProperty({ enum: PLANS }) plan!: (typeof PLANS)[number];
  @ApiProperty({ enum: CUSTOMER_STATUSES }) status!: (typeof CUSTOMER_STATUSES)[number];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why provisioning failed, when it did',
  })
  statusReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CustomerPageDto {
  @ApiProperty({ type: [CustomerDto] }) items!: CustomerDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
