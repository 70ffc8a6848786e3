import { Controller, Get, Header, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { Public } from '../auth/roles.decorator';
import { HealthService } from './health.service';
import { METRICS } from './metrics';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    @Inject(METRICS) private readonly metrics: Registry,
  ) {}

  /** The process is up. */
  @Get('healthz')
  @Public()
  healthz() {
    return { status: 'ok' };
  }

  /** Ready to serve: database reachable, migrations applied, seed loaded. */
  @Get('readyz')
  @Public()
  async readyz() {
    const checks = await this.health.readiness();
    const ready = Object.values(checks).every((c) => c.ok);
    if (!ready) throw new ServiceUnavailableException({ status: 'not ready', checks });
    return { status: 'ready', checks };
  }

  @Get('metrics')
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async prometheus() {
    return this.metrics.metrics();
  }
}
