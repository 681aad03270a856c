import { Controller, Get, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiTenant, CustomerId } from '../auth/auth.decorators';
import { UnprocessableError } from '../common/domain-errors';
import { VesService } from '../ves/ves.service';
import { AgentStatusService } from './agent-status.service';
import { VeLiveStatusDto } from './dto/ve-live-status.dto';
import { KubernetesClient } from './kubernetes-client';
import { sendManifest } from './manifest-format';
import { ManifestService } from './manifest.service';
import { ManifestRenderError } from './render/k8s-object';

@ApiTags('ves')
@ApiTenant()
@Controller('api/ves')
export class VeKubernetesController {
  constructor(
    private readonly status: AgentStatusService,
    private readonly ves: VesService,
    private readonly manifests: ManifestService,
    private readonly k8s: KubernetesClient,
  ) {}

  @Get(':id/status')
  @ApiOperation({
    summary: "The VE's status from its kagent Agent and Deployment",
    description:
      'Live from Kubernetes in cluster mode (conditions, generations, replicas). In dry-run/off, or when the ' +
      'API server is unreachable, the stored status with its reason (`live: false`, `error`).',
  })
  @ApiOkResponse({ type: VeLiveStatusDto })
  @ApiNotFoundResponse()
  getStatus(
    @CustomerId() customerId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<VeLiveStatusDto> {
    return this.status.live(customerId, id);
  }

  @Get(':id/manifest')
  @ApiOperation({
    summary: 'The kagent Agent (and its ModelConfig) rendered for this VE',
    description:
      'Multi-document YAML by default; `Accept: application/json` gives a `kind: List`. Rendered from the ' +
      "VE's current definition by the same function the deployer applies (and stores) — in every mode.",
  })
  @ApiProduces('application/yaml', 'application/json')
  @ApiOkResponse({ description: 'The manifest' })
  @ApiNotFoundResponse()
  async getManifest(
    @CustomerId() customerId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const ve = await this.ves.get(customerId, id);
    void reply.header('x-k8s-mode', this.k8s.mode);
    try {
      return sendManifest(req, reply, this.manifests.veObjects(ve), [
        `VE ${ve.id} (${ve.name}), generation ${ve.generation}; K8S_MODE=${this.k8s.mode}`,
        'Needs the namespace objects: GET /api/customers/{customerId}/manifests',
      ]);
    } catch (err) {
      if (err instanceof ManifestRenderError)
        throw new UnprocessableError(`VE cannot be rendered: ${err.message}`);
      throw err;
    }
  }
}
