import { ApiProperty } from '@nestjs/swagger';
import { IsUUID, ValidateIf } from 'class-validator';
import { VeDto } from '../../ves/dto/ve.dto';

export class SetManagerDto {
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The new manager; null makes the VE a root',
  })
  @ValidateIf((_, v) => v !== null)
  @IsUUID(undefined, { message: 'managerId must be a UUID or null' })
  managerId!: string | null;
}

export class OrgChartNodeDto {
  @ApiProperty({ type: VeDto }) ve!: VeDto;
  @ApiProperty({ type: () => [OrgChartNodeDto] }) reports!: OrgChartNodeDto[];
}

export class OrgChartDto {
  @ApiProperty({ type: [OrgChartNodeDto] }) roots!: OrgChartNodeDto[];
}
