import { Controller, Get, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiTenant, CurrentCaller } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';
import { UnprocessableError } from '../common/domain-errors';
import { assertCustomerAccess } from '../customers/customer-access';
import { CustomersService } from '../customers/customers.service';
import { VesService } from '../ves/ves.service';
import { KubernetesClient } from './kubernetes-client';
import { sendManifest } from './manifest-format';
import { ManifestService } from './manifest.service';
import { ManifestRenderError } from './render/k8s-object';

@ApiTags('customers')
@ApiTenant()
@Controller('api/customers')
export class CustomerManifestsController {
  constructor(
    private readonly customers: CustomersService,
    private readonly ves: VesService,
    private readonly manifests: ManifestService,
    private readonly k8s: KubernetesClient,
  ) {}

  @Get(':id/manifests')
  @ApiOperation({
    summary: "Everything of the customer's namespace as one multi-document YAML, for GitOps",
    description:
      'Namespace, ResourceQuota, LimitRange, NetworkPolicy, agent ServiceAccount and RoleBinding, then each ' +
      "model's ModelConfig and each VE's Agent. The provider-key Secret is never included. Operators, or the " +
      'customer itself. `Accept: application/json` gives a `kind: List`.',
  })
  @ApiProduces('application/yaml', 'application/json')
  @ApiOkResponse({ description: 'The manifests' })
  @ApiNotFoundResponse()
  async getManifests(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentCaller() caller: Caller,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertCustomerAccess(caller, id);
    const customer = await this.customers.get(id);
    const ves = await this.ves.listAll(id);
    void reply.header('x-k8s-mode', this.k8s.mode);
    try {
      return sendManifest(req, reply, this.manifests.customerBundle(customer, ves), [
        `Customer ${customer.id} (${customer.slug}), plan ${customer.plan}, ${ves.length} VE(s); K8S_MODE=${this.k8s.mode}`,
        this.manifests.secretNote(),
      ]);
    } catch (err) {
      if (err instanceof ManifestRenderError)
        throw new UnprocessableError(`manifests cannot be rendered: ${err.message}`);
      throw err;
    }
  }
}
