// The migrations in the order they apply. Listed by hand (not globbed) so the same
// list works from TypeScript sources under Jest and from the compiled dist/.
import { CreateInventory1764230400000 } from './1764230400000-CreateInventory';
import { CreateAuth1764230401000 } from './1764230401000-CreateAuth';
import { CreateMonitoring1764230402000 } from './1764230402000-CreateMonitoring';
import { AddUptimeStatusSplit1795765695000 } from './1795765695000-AddUptimeStatusSplit';
import { WidenMaintenanceScope1796362904703 } from './1796362904703-WidenMaintenanceScope';
import { AddAlertWork1796363100000 } from './1796363100000-AddAlertWork';
import { CreateInventoryDriftKept1796364139633 } from './1796364139633-CreateInventoryDriftKept';

export const MIGRATIONS = [CreateInventory1764230400000, CreateAuth1764230401000, CreateMonitoring1764230402000, AddUptimeStatusSplit1795765695000, WidenMaintenanceScope1796362904703, AddAlertWork1796363100000, CreateInventoryDriftKept1796364139633];
