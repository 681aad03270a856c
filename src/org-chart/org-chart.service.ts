import { Injectable } from '@nestjs/common';
import { VeLifecycleService } from '../ves/ve-lifecycle.service';
import { VesService } from '../ves/ves.service';
import type { Ve } from '../ves/ves.types';
import { buildForest } from './org-hierarchy';
import type { OrgChartDto } from './dto/org-chart.dto';

/** The org chart: a tree over the customer's live VEs (read from the cached org structure). */
@Injectable()
export class OrgChartService {
  constructor(
    private readonly ves: VesService,
    private readonly lifecycle: VeLifecycleService,
  ) {}

  async tree(customerId: string): Promise<OrgChartDto> {
    const forest = buildForest(await this.ves.orgSnapshot(customerId));
    return { roots: forest };
  }

  /** Cycle 409, depth limit 422, a manager that is not this customer's live VE 404. */
  setManager(customerId: string, veId: string, managerId: string | null): Promise<Ve> {
    return this.lifecycle.setManager(customerId, veId, managerId);
  }
}
