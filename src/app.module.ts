import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ServeStaticModule } from '@nestjs/serve-static';
import { AuthModule } from './auth/auth.module';
import { STATIC_ROOTS } from './http/kept-static-files';
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
          // The same folders as the kept files in front of it (src/http/kept-static-files.ts), which answer most requests first.
          ...STATIC_ROOTS.map(({ serveRoot, rootPath }) =>
            serveRoot === '' ? { rootPath, exclude: ['/api/{*rest}', '/healthz', '/readyz', '/metrics'] } : { rootPath, serveRoot },
          ),
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
