import * as path from 'node:path';
import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ServeStaticModule } from '@nestjs/serve-static';
import { AuthModule } from './auth/auth.module';
import { projectRoot } from './common/project-root';
import { CamnetRuntime, CoreModule } from './core.module';
import { HealthModule } from './health/health.module';
import { InventoryModule } from './inventory/inventory.module';
import { CoverageModule } from './coverage/coverage.module';
import { SearchModule } from './search/search.module';
import { PlanningModule } from './planning/planning.module';
import { UptimeModule } from './uptime/uptime.module';
import { MonitoringModule } from './monitoring/monitoring.module';
import { AlertsModule } from './alerts/alerts.module';
import { MapModule } from './map/map.module';
import { IncidentsModule } from './incidents/incidents.module';
import { NotifyModule } from './notify/notify.module';
import { ViewModule } from './view/view.module';

/** The whole service, built around the runtime that bootstrap prepared. */
@Module({})
export class AppModule {
  static forRoot(runtime: CamnetRuntime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(runtime),
        ScheduleModule.forRoot(),
        ServeStaticModule.forRoot(
          { rootPath: path.join(projectRoot(), 'node_modules/leaflet/dist'), serveRoot: '/vendor/leaflet' },
          { rootPath: path.join(projectRoot(), 'node_modules/uplot/dist'), serveRoot: '/vendor/uplot' },
          { rootPath: path.join(projectRoot(), 'web'), exclude: ['/api/{*rest}', '/healthz', '/readyz', '/metrics'] },
        ),
        AuthModule,
        HealthModule,
        InventoryModule,
        CoverageModule,
        SearchModule,
        PlanningModule,
        MonitoringModule,
        UptimeModule,
        AlertsModule,
        MapModule,
        IncidentsModule,
        NotifyModule,
        ViewModule,
      ],
    };
  }
}
