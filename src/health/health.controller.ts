import { Controller, Get, Header, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
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
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @Public()
  healthz() {
    return { status: 'ok' };
  }

  /** Ready to serve: database reachable, migrations applied, seed loaded. */
  @Get('readyz')
  @ApiOperation({ summary: 'Readiness: database reachable, migrations applied, seed loaded' })
  @Public()
  async readyz() {
    const checks = await this.health.readiness();
    const ready = Object.values(checks).every((c) => c.ok);
    if (!ready) throw new ServiceUnavailableException({ status: 'not ready', checks });
    return { status: 'ready', checks };
  }

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics' })
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async prometheus() {
    return this.metrics.metrics();
  }
}
