import { HealthIndicatorService } from '@nestjs/terminus';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HealthRegistry } from '../health/health-registry.service';
import { GatewayHealth } from './gateway-health';
import type { GatewayUrls } from './gateway-urls';

function health(gateway: string | undefined): GatewayHealth {
  const urls = {
    settings: { gateway, publicUrl: 'http://api.test', agentTemplate: '', mcpTemplate: '' },
  } as GatewayUrls;
  return new GatewayHealth(new HealthRegistry(), new HealthIndicatorService(), urls);
}

describe('GatewayHealth', () => {
  let server: Server;
  let status = 404;

  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(status).end()).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  it('is up in sandbox mode, and says so', async () => {
    expect(await health(undefined).check()).toEqual({
      gateway: expect.objectContaining({
        status: 'up',
        mode: 'sandbox',
        url: 'http://api.test/sandbox/a2a/',
      }),
    });
  });

  it('is up when the gateway answers, whatever the status below 500', async () => {
    status = 404;
    expect((await health(url()).check()).gateway).toMatchObject({
      status: 'up',
      mode: 'gateway',
      httpStatus: 404,
    });
  });

  it('is degraded (not down) when the gateway fails or cannot be reached', async () => {
    status = 503;
    expect((await health(url()).check()).gateway).toMatchObject({
      status: 'degraded',
      message: 'the gateway answered HTTP 503',
    });
    expect((await health('http://127.0.0.1:1').check()).gateway).toMatchObject({
      status: 'degraded',
      mode: 'gateway',
    });
  });

  it('registers itself as the gateway readiness check', () => {
    const registry = new HealthRegistry();
    new GatewayHealth(registry, new HealthIndicatorService(), {
      settings: { publicUrl: 'x' },
    } as GatewayUrls).onModuleInit();
    expect(registry.all()).toHaveLength(1);
  });
});
