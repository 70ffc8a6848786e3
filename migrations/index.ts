// The migrations in the order they apply. Listed by hand (not globbed) so the same
// list works from TypeScript sources under Jest and from the compiled dist/.
import { CreateInventory1764230400000 } from './1764230400000-CreateInventory';
import { CreateAuth1764230401000 } from './1764230401000-CreateAuth';
import { CreateMonitoring1764230402000 } from './1764230402000-CreateMonitoring';
import { AddUptimeStatusSplit1795765695000 } from './1795765695000-AddUptimeStatusSplit';
import { CreateAccounts1796362267728 } from './1796362267728-CreateAccounts';
import { WidenMaintenanceScope1796362904703 } from './1796362904703-WidenMaintenanceScope';
import { AddAlertWork1796363100000 } from './1796363100000-AddAlertWork';
import { CreateCameraView1796363296435 } from './1796363296435-CreateCameraView';
import { AddStationMqttCredential1796363625424 } from './1796363625424-AddStationMqttCredential';
import { AddUserTotp1796363794045 } from './1796363794045-AddUserTotp';
import { CreateInventoryDriftKept1796364139633 } from './1796364139633-CreateInventoryDriftKept';
import { AddUserScope1796364286162 } from './1796364286162-AddUserScope';
import { AddUserOidcSubject1796364881799 } from './1796364881799-AddUserOidcSubject';
import { LinkAlertAssignee1796365200000 } from './1796365200000-LinkAlertAssignee';
import { CreateMonitorSession1796365500000 } from './1796365500000-CreateMonitorSession';

export const MIGRATIONS = [
  CreateInventory1764230400000,
  CreateAuth1764230401000,
  CreateMonitoring1764230402000,
  AddUptimeStatusSplit1795765695000,
  CreateAccounts1796362267728,
  WidenMaintenanceScope1796362904703,
  AddAlertWork1796363100000,
  CreateCameraView1796363296435,
  AddStationMqttCredential1796363625424,
  AddUserTotp1796363794045,
  CreateInventoryDriftKept1796364139633,
  AddUserScope1796364286162,
  AddUserOidcSubject1796364881799,
  LinkAlertAssignee1796365200000,
  CreateMonitorSession1796365500000,
];
