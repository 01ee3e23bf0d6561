import { PostgresDialect, PostgresIntrospector, sql, type DatabaseIntrospector, type Kysely, type TableMetadata } from 'kysely';

/**
 * Kysely's PostgreSQL introspector reads every table of every schema in the database and calls
 * has_schema_privilege and pg_get_serial_sequence on each. When another deployment or test run drops
 * its schema at that moment, those calls fail ("schema … does not exist", "column … of relation …
 * does not exist") and our migration check fails with them. Steward only ever needs its own schema,
 * so tables are read from the current schema alone, with nothing that can trip over someone else's.
 */
export class CurrentSchemaIntrospector extends PostgresIntrospector {
  constructor(private readonly database: Kysely<any>) {
    super(database);
  }

  override async getTables(): Promise<TableMetadata[]> {
    const rows = await sql<{ column: string; not_null: boolean; has_default: boolean; table: string; table_type: string; schema: string; type: string; type_schema: string; auto_incrementing: string | null; column_description: string | null }>`
      select a.attname as column, a.attnotnull as not_null, a.atthasdef as has_default, c.relname as table, c.relkind as table_type,
             ns.nspname as schema, typ.typname as type, dtns.nspname as type_schema,
             col_description(a.attrelid, a.attnum) as column_description,
             pg_get_serial_sequence(quote_ident(ns.nspname) || '.' || quote_ident(c.relname), a.attname) as auto_incrementing
      from pg_catalog.pg_attribute a
      join pg_catalog.pg_class c on a.attrelid = c.oid
      join pg_catalog.pg_namespace ns on c.relnamespace = ns.oid
      join pg_catalog.pg_type typ on a.atttypid = typ.oid
      join pg_catalog.pg_namespace dtns on typ.typnamespace = dtns.oid
      where ns.nspname = current_schema() and c.relkind in ('r', 'v', 'p') and a.attnum >= 0 and not a.attisdropped
      order by c.relname, a.attnum`.execute(this.database);
    const tables = new Map<string, TableMetadata>();
    for (const r of rows.rows) {
      let table = tables.get(r.table);
      if (!table) {
        table = { name: r.table, schema: r.schema, isView: r.table_type === 'v', columns: [] };
        tables.set(r.table, table);
      }
      (table.columns as TableMetadata['columns'][number][]).push({ name: r.column, dataType: r.type, dataTypeSchema: r.type_schema, isNullable: !r.not_null, isAutoIncrementing: r.auto_incrementing !== null, hasDefaultValue: r.has_default, ...(r.column_description !== null ? { comment: r.column_description } : {}) });
    }
    return [...tables.values()];
  }
}

/** PostgreSQL as Kysely drives it, with introspection kept to the current schema. */
export class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}
