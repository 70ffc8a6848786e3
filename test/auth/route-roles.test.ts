import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { PUBLIC_KEY, ROLES_KEY } from '../../src/auth/roles.decorator';
import { startTestCamnet, TestCamnet } from '../support/camnet';

describe('every route names its roles', () => {
  let t: TestCamnet;
  beforeAll(async () => {
    t = await startTestCamnet({ seed: false });
  });
  afterAll(() => t?.close());

  it('each controller method is @Public or has at least one role, and an unmarked route fails closed', async () => {
    const discovery = t.camnet.app.get(DiscoveryService);
    const reflector = t.camnet.app.get(Reflector);
    const scanner = new MetadataScanner();
    const routes: { route: string; roles: string[] | 'public' }[] = [];
    for (const wrapper of discovery.getControllers()) {
      const proto = Object.getPrototypeOf(wrapper.instance);
      const base = Reflect.getMetadata(PATH_METADATA, wrapper.metatype as object) ?? '';
      for (const name of scanner.getAllMethodNames(proto)) {
        const handler = proto[name];
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler)];
        const route = `${method} /${base}/${Reflect.getMetadata(PATH_METADATA, handler)}`.replace(/\/+/g, '/');
        const isPublic = reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [handler, wrapper.metatype as never]);
        const roles = reflector.getAllAndOverride<string[]>(ROLES_KEY, [handler, wrapper.metatype as never]) ?? [];
        routes.push({ route, roles: isPublic ? 'public' : roles });
      }
    }
    expect(routes.length).toBeGreaterThan(30);
    const unnamed = routes.filter((r) => r.roles !== 'public' && r.roles.length === 0).map((r) => r.route);
    expect(unnamed).toEqual([]);
    const publicRoutes = routes
      .filter((r) => r.roles === 'public')
      .map((r) => r.route)
      .sort();
    // Only health checks, the map's pre-login config and the logins (password, single sign-on) are open without credentials.
    expect(publicRoutes).toEqual([
      'GET /api/auth/methods',
      'GET /api/auth/oidc/callback',
      'GET /api/auth/oidc/login',
      'GET /api/map-config',
      'GET /healthz',
      'GET /metrics',
      'GET /readyz',
      'POST /api/auth/login',
    ]);
  });
});
