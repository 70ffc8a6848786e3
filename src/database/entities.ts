import { AdminUnit } from '../inventory/admin-unit.entity';
import { Camera } from '../inventory/camera.entity';
import { RoadSign } from '../inventory/road-sign.entity';
import { Route } from '../inventory/route.entity';
import { Station } from '../inventory/station.entity';
import { ApiToken } from '../auth/api-token.entity';
import { AuditLog } from '../auth/audit-log.entity';
import { AppUser } from '../auth/user.entity';
import { UserSession } from '../auth/user-session.entity';
import { MONITORING_ENTITIES } from '../monitoring/monitoring.entities';
import { Alert, AlertEvent } from '../alerts/alert.entity';
import { InventoryDriftKept } from '../inventory/drift.entity';
import { UptimeDaily } from '../uptime/uptime-daily.entity';
import { Meta } from './meta.entity';
import { VIEW_ENTITIES } from '../view/view.entities';

export const ENTITIES = [
  AdminUnit,
  Route,
  Station,
  Camera,
  RoadSign,
  ApiToken,
  AuditLog,
  AppUser,
  UserSession,
  ...MONITORING_ENTITIES,
  Alert,
  AlertEvent,
  InventoryDriftKept,
  UptimeDaily,
  Meta,
  ...VIEW_ENTITIES,
];
