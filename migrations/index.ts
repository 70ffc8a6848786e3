// The migrations in the order they apply. Listed by hand (not globbed) so the same
// list works from TypeScript sources under Jest and from the compiled dist/.
import { CreateInventory1764230400000 } from './1764230400000-CreateInventory';
import { CreateAuth1764230401000 } from './1764230401000-CreateAuth';
import { CreateMonitoring1764230402000 } from './1764230402000-CreateMonitoring';
import { AddUptimeStatusSplit1795765695000 } from './1795765695000-AddUptimeStatusSplit';
import { CreateCameraView1796363296435 } from './1796363296435-CreateCameraView';

export const MIGRATIONS = [CreateInventory1764230400000, CreateAuth1764230401000, CreateMonitoring1764230402000, AddUptimeStatusSplit1795765695000, CreateCameraView1796363296435];
