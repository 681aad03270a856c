import { Injectable } from '@nestjs/common';
import type { Caller } from '../auth/caller';
import { ConflictError, ForbiddenError, NotFoundError } from '../common/domain-errors';
import { decodeCursor, Page, PageQueryDto, toPage } from '../common/pagination';
import { CustomersService, isUniqueViolation } from './customers.service';
import type { AddMemberDto, MemberDto } from './dto/member.dto';
import { MemberRow, MembersRepository } from './members.repository';

/** Who may sign in for a customer (Supabase users) and with which role. */
@Injectable()
export class MembersService {
  constructor(
    private readonly repo: MembersRepository,
    private readonly customers: CustomersService,
  ) {}

  async add(customerId: string, dto: AddMemberDto, caller: Caller): Promise<MemberDto> {
    await this.customers.requireActive(customerId);
    assertMayTouchRole(caller, dto.role);
    try {
      const row = await this.repo.insert({
        customer_id: customerId,
        user_id: dto.userId,
        role: dto.role,
        email: dto.email ?? null,
      });
      return toMember(row);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ConflictError(
          `User ${dto.userId} is already a member; remove them first to change the role`,
          [{ field: 'userId', problems: ['already a member'] }],
        );
      }
      throw err;
    }
  }

  async list(customerId: string, query: PageQueryDto): Promise<Page<MemberDto>> {
    await this.customers.get(customerId);
    const rows = await this.repo.list(customerId, {
      after: decodeCursor(query.cursor),
      limit: query.limit,
    });
    return toPage(rows, query.limit, toMember);
  }

  async remove(customerId: string, userId: string, caller: Caller): Promise<void> {
    await this.customers.get(customerId);
    const member = await this.repo.find(customerId, userId);
    if (!member) throw new NotFoundError('Member', userId);
    assertMayTouchRole(caller, member.role);
    await this.repo.remove(customerId, userId);
  }
}

/** Owners are made and unmade by owners (and operators), never by admins. */
function assertMayTouchRole(caller: Caller, role: MemberRow['role']): void {
  if (role === 'owner' && caller.kind === 'user' && caller.role !== 'owner') {
    throw new ForbiddenError('Only an owner may add or remove owners');
  }
}

function toMember(row: MemberRow): MemberDto {
  return {
    id: row.id,
    customerId: row.customer_id,
    userId: row.user_id,
    email: row.email,
    role: row.role,
    createdAt: row.created_at.toISOString(),
  };
}
