import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { createUser } from '../../app/users.js';
import { isRole, type Role } from '../../domain/roles.js';
import { invalid } from '../../domain/errors.js';
import { withStore } from '../runtime.js';

async function readPassword(fromStdin: boolean): Promise<string> {
  if (process.env.STEWARD_PASSWORD) return process.env.STEWARD_PASSWORD;
  if (!fromStdin && process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const answer = await rl.question('password: ');
    rl.close();
    return answer;
  }
  let data = '';
  for await (const chunk of process.stdin) data += chunk;
  return data.replace(/\r?\n$/, '');
}

export function registerUser(program: Command): void {
  const user = program.command('user').description('Logins');
  user.command('add <username>')
    .description('Create a login. The password comes from STEWARD_PASSWORD, --password-stdin, or a prompt; never from an argument.')
    .requiredOption('-l, --library <id>', 'home library id')
    .option('-r, --role <role...>', 'roles in that library (staff is implied)', [])
    .option('-p, --person <employeeId>', "link to a person by employee id")
    .option('--consortium <ids...>', 'consortium_admin: the other libraries administered')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, opts: { library: string; role: string[]; person?: string; consortium?: string[]; passwordStdin?: boolean }) => {
      const bad = opts.role.filter((r) => !isRole(r));
      if (bad.length > 0) throw invalid('Unknown role', [{ field: '--role', message: `unknown role(s) ${bad.join(', ')}` }]);
      const password = await readPassword(Boolean(opts.passwordStdin));
      await withStore(async (store) => {
        let personId: string | null = null;
        if (opts.person) {
          const person = await store.db.selectFrom('people').select('id').where('library_id', '=', opts.library).where('employee_id', '=', opts.person).executeTakeFirst();
          if (!person) throw invalid('Unknown person', [{ field: '--person', message: `no person with employee id "${opts.person}" in ${opts.library}` }]);
          personId = person.id;
        }
        await createUser(store, { libraryId: opts.library, username, password, personId, roles: opts.role as Role[], ...(opts.consortium ? { extraLibraries: opts.consortium } : {}) }, 'cli');
        console.log(`created ${username.toLowerCase()} in ${opts.library} with roles: ${['staff', ...opts.role].join(', ')}`);
      });
    });
}
