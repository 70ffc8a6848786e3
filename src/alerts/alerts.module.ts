import { Module } from '@nestjs/common';
import { MaintenanceWindowsModule } from '../monitoring/maintenance-windows.module';
import { AlertAssignees } from './alert-assignees';
import { AlertController } from './alert.controller';
import { AlertRepository } from './alert.repository';
import { AlertService } from './alert.service';
import { AssigneeRepository } from './assignee.repository';
import { CameraVisibility } from './camera-visibility';
import { EventsController } from './events.controller';
import { DEFAULT_SSE_HEARTBEAT_MS, EventsService, SSE_HEARTBEAT_MS } from './events.service';
import { DEFAULT_WEBHOOK_OPTIONS, WEBHOOK_OPTIONS, WebhookNotifier } from './webhook.notifier';

/** Alerts opened and resolved on the status machine's word, the webhook, and the live event stream. */
@Module({
  imports: [MaintenanceWindowsModule],
  controllers: [AlertController, EventsController],
  providers: [
    AlertService,
    AlertRepository,
    AlertAssignees,
    AssigneeRepository,
    WebhookNotifier,
    EventsService,
    CameraVisibility,
    { provide: WEBHOOK_OPTIONS, useValue: DEFAULT_WEBHOOK_OPTIONS },
    { provide: SSE_HEARTBEAT_MS, useValue: DEFAULT_SSE_HEARTBEAT_MS },
  ],
  exports: [AlertService],
})
export class AlertsModule {}
