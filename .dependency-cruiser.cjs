/**
 * camnet's module rules, checked by `npm run lint` (depcruise src):
 * - a module imports only modules below it (README, Architecture): the layers
 *   are listed lowest first; modules on one layer do not import each other;
 * - the pure cores (domain, geo, the status machine, the uptime calculator)
 *   import no framework and no I/O library;
 * - no import cycle between files;
 * - the simulated fleet is never imported by the service (only bootstrap starts
 *   it in embedded mode).
 * The composition roots (main, bootstrap, app/core modules, and the database's
 * entity and migration lists, which name every module's entities) may import
 * anything: that is their job.
 */
const LAYERS = [
  ['domain'],
  ['geo', 'config'],
  ['common', 'http-defaults'],
  ['database', 'mqtt'],
  ['auth'],
  ['health'],
  ['inventory'],
  ['seed'],
  ['monitoring'],
  ['uptime'],
  ['alerts'],
  ['coverage'],
  ['view'],
  ['search', 'planning'],
  ['simulator'],
];

const COMPOSITION_ROOTS = [
  '^src/main\\.ts$',
  '^src/bootstrap\\.ts$',
  '^src/app\\.module\\.ts$',
  '^src/core\\.module\\.ts$',
  '^src/database/entities\\.ts$',
  '^src/database/data-source\\.ts$',
  '^src/database/migrate\\.cli\\.ts$',
];

/** A module is a folder under src/, or a single file at src/'s top (http-defaults.ts). */
const modulePath = (name) => `^src/${name.replace(/[.]/g, '\\.')}(/|\\.ts$)`;
const anyOf = (names) => `^src/(${names.map((n) => n.replace(/[.]/g, '\\.')).join('|')})(/|\\.ts$)`;

const layerRules = LAYERS.flatMap((layer, i) => {
  const notBelow = LAYERS.slice(i).flat();
  return layer.map((name) => ({
    name: `no-upward-import-from-${name}`,
    comment: `${name} may import only modules below it (${LAYERS.slice(0, i).flat().join(', ') || 'none'}); see LAYERS in .dependency-cruiser.cjs and the README's Architecture`,
    severity: 'error',
    from: { path: modulePath(name), pathNot: COMPOSITION_ROOTS },
    to: { path: anyOf(notBelow.filter((n) => n !== name)) },
  }));
});

/** Libraries that do I/O or belong to the framework: no pure core may import them (turf and kdbush are plain geometry and may). */
const FRAMEWORK =
  '(^|node_modules/)(@nestjs|typeorm|pg|pg-[a-z]+|@electric-sql|mqtt|aedes|express|prom-client|class-validator|class-transformer|rxjs|onvif)(/|$)';

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'pure-cores-import-no-framework',
      comment: 'domain, geo, the status machine and the uptime calculator import no framework, database or network library (CONVENTIONS.md, pure cores)',
      severity: 'error',
      from: { path: ['^src/domain/', '^src/geo/', '^src/monitoring/status\\.machine\\.ts$', '^src/uptime/uptime\\.calculator\\.ts$'] },
      to: { path: FRAMEWORK },
    },
    {
      name: 'pure-cores-import-only-pure-code',
      comment: 'a pure core imports only domain, geo or another pure core',
      severity: 'error',
      from: { path: ['^src/domain/', '^src/geo/', '^src/monitoring/status\\.machine\\.ts$', '^src/uptime/uptime\\.calculator\\.ts$'] },
      to: { path: '^src/', pathNot: ['^src/domain/', '^src/geo/', '^src/monitoring/status\\.machine\\.ts$', '^src/uptime/uptime\\.calculator\\.ts$'] },
    },
    {
      name: 'no-circular',
      comment: 'no import cycle between files',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'simulator-not-in-the-service',
      comment: 'the simulated fleet is a separate program; only bootstrap starts it (embedded mode)',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/simulator/', '^src/bootstrap\\.ts$'] },
      to: { path: '^src/simulator/' },
    },
    {
      name: 'no-unresolvable',
      comment: 'an import that resolves to nothing',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['\\.spec\\.ts$'] },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
