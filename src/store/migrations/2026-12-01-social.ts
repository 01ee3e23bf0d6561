import type { Kysely } from 'kysely';

// Public Internet communication (MLS SH 620.4): the library's settings (outbox, word lists), the
// account registry, Representatives granted directly, posts with their archive of every version,
// supervisors' directives and the time Representatives log. Post events are never changed.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('social_settings')
    .addColumn('library_id', 'varchar(64)', (c) => c.primaryKey().references('libraries.id'))
    .addColumn('outbox_url', 'varchar(2000)')
    .addColumn('patron_names_json', 'text', (c) => c.notNull())
    .addColumn('extra_terms_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_by_label', 'varchar(255)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('social_accounts')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('platform', 'varchar(100)', (c) => c.notNull())
    .addColumn('handle', 'varchar(200)', (c) => c.notNull())
    .addColumn('url', 'varchar(2000)')
    .addColumn('owner_id', 'varchar(36)', (c) => c.references('people.id'))
    .addColumn('administrators_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('retired_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('social_accounts_handle').on('social_accounts').columns(['library_id', 'platform', 'handle']).unique().execute();

  await db.schema
    .createTable('social_representatives')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('person_id', 'varchar(36)', (c) => c.notNull().references('people.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('granted_by_id', 'varchar(36)')
    .addColumn('granted_by_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('revoked_at', 'varchar(32)')
    .addColumn('revoked_by_label', 'varchar(255)')
    .execute();
  await db.schema.createIndex('social_representatives_person').on('social_representatives').columns(['library_id', 'person_id']).execute();

  await db.schema
    .createTable('social_posts')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('account_id', 'varchar(36)', (c) => c.notNull().references('social_accounts.id'))
    .addColumn('author_id', 'varchar(36)', (c) => c.notNull().references('people.id'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('target_url', 'varchar(2000)')
    .addColumn('media_json', 'text', (c) => c.notNull())
    .addColumn('state', 'varchar(24)', (c) => c.notNull())
    .addColumn('screening_json', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'varchar(32)')
    .addColumn('approved_by_id', 'varchar(36)')
    .addColumn('approved_at', 'varchar(32)')
    .addColumn('published_at', 'varchar(32)')
    .addColumn('remote_id', 'varchar(255)')
    .addColumn('outbox_error', 'text')
    .addColumn('flagged_at', 'varchar(32)')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('social_posts_number').on('social_posts').columns(['library_id', 'number']).unique().execute();
  await db.schema.createIndex('social_posts_author').on('social_posts').columns(['library_id', 'author_id', 'created_at']).execute();
  await db.schema.createIndex('social_posts_state').on('social_posts').columns(['library_id', 'state', 'created_at']).execute();

  await db.schema
    .createTable('social_post_events')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('post_id', 'varchar(36)', (c) => c.notNull().references('social_posts.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('action', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor_id', 'varchar(36)')
    .addColumn('actor_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('media_json', 'text', (c) => c.notNull())
    .addColumn('detail_json', 'text', (c) => c.notNull())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('social_post_events_post').on('social_post_events').columns(['post_id', 'seq']).unique().execute();

  await db.schema
    .createTable('social_directives')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('person_id', 'varchar(36)', (c) => c.notNull().references('people.id'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('minutes_per_week', 'integer')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('issued_by_id', 'varchar(36)')
    .addColumn('issued_by_label', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('lifted_at', 'varchar(32)')
    .addColumn('lifted_by_label', 'varchar(255)')
    // A stop is also a posting restriction in the real-time filter (the pack's restrict social-posting).
    .addColumn('restriction_id', 'varchar(36)')
    .execute();
  await db.schema.createIndex('social_directives_person').on('social_directives').columns(['library_id', 'person_id', 'created_at']).execute();

  await db.schema
    .createTable('social_time_entries')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('person_id', 'varchar(36)', (c) => c.notNull().references('people.id'))
    .addColumn('on_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_by_label', 'varchar(255)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('social_time_entries_person').on('social_time_entries').columns(['library_id', 'person_id', 'on_date']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('social_time_entries').execute();
  await db.schema.dropTable('social_directives').execute();
  await db.schema.dropTable('social_post_events').execute();
  await db.schema.dropTable('social_posts').execute();
  await db.schema.dropTable('social_representatives').execute();
  await db.schema.dropTable('social_accounts').execute();
  await db.schema.dropTable('social_settings').execute();
}
