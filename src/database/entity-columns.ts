/**
 * The SQL names of an entity's table and columns, read from its TypeORM
 * decorators, so hand-written SQL and the types of its rows both come from the
 * entity: a query that names a property the entity no longer has fails to
 * compile, and a column renamed in its decorator (with its migration) renames
 * itself in the SQL. camnet writes its SQL by hand (LATERAL probes, unnest
 * batches) where TypeORM's query builder cannot; this keeps that SQL tied to the
 * one description of each table.
 */
import { getMetadataArgsStorage } from 'typeorm';

/** The properties of an entity that are columns (not methods). */
export type ColumnProperty<E> = { [K in keyof E]: E[K] extends (...args: never[]) => unknown ? never : K }[keyof E] & string;

export interface EntityColumns<E> {
  /** The table's name. */
  readonly table: string;
  /** Each property's column name. */
  readonly col: { readonly [K in ColumnProperty<E>]: string };
  /**
   * A select list reading `props` from the table under `alias`, each named as its
   * property, so the rows come back as `Pick<E, typeof props[number]>`.
   */
  select<K extends ColumnProperty<E>>(alias: string, ...props: K[]): string;
}

/**
 * Reads the entity's decorators once (at module load, where the repositories call
 * it). Throws when the class is not an entity, so a mistake shows at start, not
 * at the first query.
 */
export function entityColumns<E>(entity: new () => E): EntityColumns<E> {
  const storage = getMetadataArgsStorage();
  const table = storage.filterTables(entity)[0];
  // camnet names every table in its @Entity (TypeORM would otherwise derive one).
  if (!table?.name) throw new Error(`${entity.name} is not a TypeORM entity with a table name`);
  const names = new Map<string, string>();
  // camnet uses TypeORM's default naming strategy: a column without `name` is named as its property.
  for (const c of storage.filterColumns(entity)) names.set(c.propertyName, c.options.name ?? c.propertyName);
  const nameOf = (p: string): string => {
    const n = names.get(p);
    // A property the type has but no decorator names (possible only through a cast): never let "undefined" into SQL.
    if (n === undefined) throw new Error(`${entity.name}.${p} is not a column`);
    return n;
  };
  const col = new Proxy({}, { get: (_t, p) => (typeof p === 'symbol' ? undefined : nameOf(p)) }) as EntityColumns<E>['col'];
  return {
    table: table.name,
    col,
    select: (alias, ...props) => props.map((p) => `${alias}.${nameOf(p)} AS "${p}"`).join(', '),
  };
}
