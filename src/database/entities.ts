import { AdminUnit } from '../inventory/admin-unit.entity';
import { Camera } from '../inventory/camera.entity';
import { RoadSign } from '../inventory/road-sign.entity';
import { Route } from '../inventory/route.entity';
import { Station } from '../inventory/station.entity';
import { ApiToken } from '../auth/api-token.entity';
import { AuditLog } from '../auth/audit-log.entity';
import { MONITORING_ENTITIES } from '../monitoring/monitoring.entities';
import { Alert } from '../alerts/alert.entity';
import { UptimeDaily } from '../uptime/uptime-daily.entity';
import { Meta } from './meta.entity';
import { VIEW_ENTITIES } from '../view/view.entities';

export const ENTITIES = [AdminUnit, Route, Station, Camera, RoadSign, ApiToken, AuditLog, ...MONITORING_ENTITIES, Alert, UptimeDaily, Meta, ...VIEW_ENTITIES];
