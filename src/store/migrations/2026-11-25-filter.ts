import type { Kysely } from 'kysely';

// The real-time filter: restrictions, suspensions and grants (each with who, why and when), and the
// exception requests people send from the block page. Times are ISO text like the rest of the
// directory; the snapshot compiler turns them into epoch milliseconds for the helpers.
// Rows are never deleted: lifting a restriction or suspension, or revoking a grant, stamps it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('filter_restrictions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('scope', 'varchar(16)', (c) => c.notNull())
    .addColumn('subject', 'varchar(128)', (c) => c.notNull())
    .addColumn('categories_json', 'text', (c) => c.notNull())
    .addColumn('domains_json', 'text', (c) => c.notNull())
    .addColumn('clause_ref', 'varchar(255)', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('set_by_user_id', 'varchar(36)')
    .addColumn('set_by_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('starts_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)')
    .addColumn('lifted_at', 'varchar(32)')
    .addColumn('lifted_by_label', 'varchar(255)')
    .addColumn('lift_reason', 'text')
    .execute();
  await db.schema.createIndex('filter_restrictions_library').on('filter_restrictions').columns(['library_id', 'lifted_at', 'created_at']).execute();

  await db.schema
    .createTable('filter_suspensions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    // account: the proxy username; workstation: the workstation id; person: the person id.
    .addColumn('subject', 'varchar(255)', (c) => c.notNull())
    .addColumn('person_id', 'varchar(36)')
    .addColumn('clause_ref', 'varchar(255)', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('set_by_user_id', 'varchar(36)')
    .addColumn('set_by_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('starts_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)')
    .addColumn('lifted_at', 'varchar(32)')
    .addColumn('lifted_by_label', 'varchar(255)')
    .addColumn('lift_reason', 'text')
    .execute();
  await db.schema.createIndex('filter_suspensions_library').on('filter_suspensions').columns(['library_id', 'lifted_at', 'created_at']).execute();

  await db.schema
    .createTable('filter_grants')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('scope', 'varchar(16)', (c) => c.notNull())
    .addColumn('subject', 'varchar(128)', (c) => c.notNull())
    .addColumn('category', 'varchar(64)')
    .addColumn('domain', 'varchar(255)')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('request_id', 'varchar(36)')
    .addColumn('set_by_user_id', 'varchar(36)')
    .addColumn('set_by_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('starts_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('revoked_at', 'varchar(32)')
    .addColumn('revoked_by_label', 'varchar(255)')
    .addColumn('revoke_reason', 'text')
    .execute();
  await db.schema.createIndex('filter_grants_library').on('filter_grants').columns(['library_id', 'revoked_at', 'expires_at']).execute();

  await db.schema
    .createTable('exception_requests')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('person_id', 'varchar(36)')
    .addColumn('host', 'varchar(255)', (c) => c.notNull())
    // Null in the library's `domain` privacy mode: only the host is kept.
    .addColumn('url', 'text')
    .addColumn('category', 'varchar(64)')
    .addColumn('clause_ref', 'varchar(255)')
    .addColumn('rule', 'varchar(64)')
    .addColumn('justification', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('decided_at', 'varchar(32)')
    .addColumn('decided_by_label', 'varchar(255)')
    .addColumn('grant_id', 'varchar(36)')
    .execute();
  await db.schema.createIndex('exception_requests_library').on('exception_requests').columns(['library_id', 'status', 'created_at']).execute();

  // Bearer tokens that let a helper (or the script that feeds it) fetch a library's snapshot
  // without a person's session; only the SHA-256 of a token is kept.
  await db.schema
    .createTable('filter_helper_tokens')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('label', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('revoked_at', 'varchar(32)')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['filter_helper_tokens', 'exception_requests', 'filter_grants', 'filter_suspensions', 'filter_restrictions']) await db.schema.dropTable(table).execute();
}
