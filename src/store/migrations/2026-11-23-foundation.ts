import { sql, type Kysely } from 'kysely';

// Migrations use Kysely<any> and never import application code: they must keep working as the app changes.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('libraries')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('short_name', 'varchar(32)', (c) => c.notNull())
    .addColumn('timezone', 'varchar(64)', (c) => c.notNull())
    .addColumn('mail_domain', 'varchar(255)')
    .addColumn('profile_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('workgroups')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('associate_director_id', 'varchar(36)')
    .addUniqueConstraint('workgroups_library_name', ['library_id', 'name'])
    .execute();

  await db.schema
    .createTable('people')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('employee_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'varchar(255)')
    .addColumn('title', 'text')
    .addColumn('workgroup_id', 'varchar(36)', (c) => c.references('workgroups.id'))
    .addColumn('supervisor_id', 'varchar(36)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('people_library_employee', ['library_id', 'employee_id'])
    .execute();
  await db.schema.createIndex('people_library_name').on('people').columns(['library_id', 'name']).execute();
  await db.schema.createIndex('people_supervisor').on('people').columns(['library_id', 'supervisor_id']).execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('person_id', 'varchar(36)', (c) => c.notNull().references('people.id'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('identifier', 'varchar(255)', (c) => c.notNull())
    .addUniqueConstraint('accounts_library_kind_identifier', ['library_id', 'kind', 'identifier'])
    .execute();

  await db.schema
    .createTable('workstations')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('hostname', 'varchar(255)', (c) => c.notNull())
    .addColumn('ip', 'varchar(45)')
    .addColumn('mac', 'varchar(17)')
    .addColumn('location', 'text')
    .addColumn('assigned_person_id', 'varchar(36)', (c) => c.references('people.id'))
    .addUniqueConstraint('workstations_library_hostname', ['library_id', 'hostname'])
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('person_id', 'varchar(36)', (c) => c.references('people.id'))
    .addColumn('username', 'varchar(128)', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('password_changed_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('role_grants')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
    .addColumn('role', 'varchar(32)', (c) => c.notNull())
    .addUniqueConstraint('role_grants_unique', ['user_id', 'library_id', 'role'])
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('ip', 'varchar(45)')
    .addColumn('user_agent', 'text')
    .execute();

  await db.schema
    .createTable('policy_documents')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('doc_key', 'varchar(128)', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('source_text', 'text')
    .addUniqueConstraint('policy_documents_key', ['library_id', 'doc_key'])
    .execute();

  await db.schema
    .createTable('policy_versions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('document_id', 'varchar(36)', (c) => c.notNull().references('policy_documents.id'))
    .addColumn('version_key', 'varchar(64)', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('approved_on', 'varchar(10)')
    .addColumn('revised_on', 'varchar(10)')
    .addColumn('approved_by', 'text')
    .addColumn('text_held', 'integer', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addUniqueConstraint('policy_versions_key', ['document_id', 'version_key'])
    .execute();

  await db.schema
    .createTable('clauses')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)', (c) => c.notNull().references('libraries.id'))
    .addColumn('version_id', 'varchar(36)', (c) => c.notNull().references('policy_versions.id'))
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .addColumn('ref', 'varchar(128)', (c) => c.notNull())
    .addColumn('section', 'text')
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('source_lines', 'text', (c) => c.notNull())
    .addColumn('controls_json', 'text', (c) => c.notNull())
    .addUniqueConstraint('clauses_version_ref', ['version_id', 'ref'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('library_id', 'varchar(64)')
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor_user_id', 'varchar(36)')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    .addColumn('target_type', 'varchar(64)')
    .addColumn('target_id', 'varchar(128)')
    .addColumn('subject_person_id', 'varchar(36)')
    .addColumn('reason', 'text')
    .addColumn('detail_json', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('hash', 'varchar(64)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_library_at').on('audit_log').columns(['library_id', 'at']).execute();
  await db.schema.createIndex('audit_log_subject').on('audit_log').columns(['subject_person_id']).execute();

  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'varchar(64)', (c) => c.notNull())
    .execute();
  await sql`insert into audit_head (id, seq, hash) values (1, 0, ${'0'.repeat(64)})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_head', 'audit_log', 'clauses', 'policy_versions', 'policy_documents', 'sessions', 'role_grants', 'users', 'workstations', 'accounts', 'people', 'workgroups', 'libraries']) {
    await db.schema.dropTable(table).execute();
  }
}
