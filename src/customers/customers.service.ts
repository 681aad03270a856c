import { Injectable } from '@nestjs/common';
import { notImplemented } from '../common/not-implemented';

export interface Customer {
  id: string;
  name: string;
  slug: string;
  namespace: string;
  plan: 'free' | 'pro' | 'enterprise';
  status: 'provisioning' | 'active' | 'failed' | 'deleting' | 'deleted';
  createdAt: string;
}

/** Contract used by kubernetes and webhooks. Owned by the tenancy issue (#3). */
@Injectable()
export class CustomersService {
  /** The customer, or NotFoundError (deleted ones too). */
  async get(_id: string): Promise<Customer> {
    return notImplemented('CustomersService.get');
  }

  /** Records provisioning / teardown outcomes from the deployments processor. */
  async setStatus(_id: string, _status: Customer['status'], _reason: string | null, _manifests?: unknown): Promise<void> {
    return notImplemented('CustomersService.setStatus');
  }
}
