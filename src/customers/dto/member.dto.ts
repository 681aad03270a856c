import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsUUID, MaxLength } from 'class-validator';
import { MEMBER_ROLES, MemberRole } from '../../auth/caller';

export class AddMemberDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The Supabase auth user id (the `sub` of their access token)',
  })
  @IsUUID()
  userId!: string;

  @ApiProperty({ enum: MEMBER_ROLES, example: 'member' })
  @IsIn(MEMBER_ROLES)
  role!: MemberRole;

  @ApiPropertyOptional({ example: 'ana@acme.test', maxLength: 320 })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;
}

export class MemberDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ enum: MEMBER_ROLES }) role!: MemberRole;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class MemberPageDto {
  @ApiProperty({ type: [MemberDto] }) items!: MemberDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
