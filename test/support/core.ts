/**
 * CoreModule for a test that builds its own Nest module: the test's database and
 * clock, default configuration, a throwaway secret key and no broker.
 */
import type { DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Clock } from '../../src/common/clock';
import { generateSecretKey, SecretBox } from '../../src/common/secret-box';
import { loadConfig } from '../../src/config/config';
import { CoreModule } from '../../src/core.module';

export function testCoreModule(dataSource: DataSource, clock: Clock): DynamicModule {
  return CoreModule.forRoot({
    config: loadConfig({}),
    dataSource,
    secretBox: new SecretBox(generateSecretKey()),
    clock,
    mqttUrl: '',
    instanceId: 'test',
  });
}
