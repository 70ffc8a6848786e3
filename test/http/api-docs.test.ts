/**
 * The API's own documentation (/api/docs-json, shown at /api/docs): every route says
 * what it does in a summary, and every JSON body it takes names its properties, so a
 * reader of the docs never meets an operation or a DTO that is only a name.
 */
import { startTestCamnet, TestCamnet } from '../support/camnet';

interface Operation {
  summary?: string;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, unknown>;
  allOf?: Schema[];
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

describe('the OpenAPI document', () => {
  let t: TestCamnet;
  let doc: OpenApi;

  beforeAll(async () => {
    t = await startTestCamnet();
    doc = (await t.as('admin').get('/api/docs-json').expect(200)).body;
  }, 120_000);
  afterAll(() => t?.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );

  it('documents the routes (a sanity floor, so an empty document cannot pass)', () => {
    expect(operations().length).toBeGreaterThan(80);
  });

  it('gives every route a summary', () => {
    const without = operations()
      .filter(({ op }) => typeof op.summary !== 'string' || op.summary.trim().length < 10)
      .map(({ key }) => key);
    expect(without).toEqual([]);
  });

  it('names the properties of every JSON body a route takes', () => {
    const schemas = doc.components?.schemas ?? {};
    const resolve = (s: Schema | undefined): Schema | undefined => (s?.$ref ? schemas[s.$ref.replace('#/components/schemas/', '')] : s);
    const propertiesOf = (s: Schema | undefined): string[] => {
      const r = resolve(s);
      if (!r) return [];
      return [...Object.keys(r.properties ?? {}), ...(r.allOf ?? []).flatMap(propertiesOf)];
    };
    const bare: string[] = [];
    let bodies = 0;
    for (const { key, op } of operations()) {
      const json = op.requestBody?.content?.['application/json'];
      if (!json) continue;
      bodies++;
      if (propertiesOf(json.schema).length === 0) bare.push(`${key} (${json.schema?.$ref ?? json.schema?.type ?? 'no schema'})`);
    }
    expect(bodies).toBeGreaterThan(10);
    expect(bare).toEqual([]);
  });
});
