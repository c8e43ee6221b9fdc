// Users in the gateway's schema. The name is personal data: stored sealed (ADR 0023, purpose
// account), opened on read. The email stays in clear: it is the login's lookup key.
import type { Role } from '@ordo/auth';
import { type FieldCipher, SealedFields } from '@ordo/crypto';
import { kysely, type SqlExecutor } from '@ordo/db';
import { type Kysely, sql } from 'kysely';
import type { User, UserWithCredential } from '../domain/user.js';

interface UsersTable {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  role: Role;
  created_at: Date;
}

interface GatewayTables {
  users: UsersTable;
}

export interface NewUser {
  id: string;
  email: string;
  name: string | null;
  passwordHash: string;
  role: Role;
  createdAt: Date;
}

export class UserRepository {
  constructor(
    private readonly db: SqlExecutor,
    private readonly schema: string,
    protected readonly cipher: FieldCipher,
  ) {}

  private async toUser(row: Omit<UsersTable, 'password_hash'>): Promise<User> {
    const name = row.name === null ? null : await this.cipher.openOrPlain<string>(SealedFields.userName, row.name);
    return { id: row.id, email: row.email, name, role: row.role, createdAt: new Date(row.created_at) };
  }

  private query(): Kysely<GatewayTables> {
    return kysely<GatewayTables>(this.db).withSchema(this.schema);
  }

  /** Inserts the user unless the email is taken (case-insensitively); returns it, or undefined when taken. */
  async insertIfEmailFree(user: NewUser): Promise<User | undefined> {
    const row = await this.query()
      .insertInto('users')
      .values({
        id: user.id,
        email: user.email,
        name: user.name === null ? null : await this.cipher.seal(SealedFields.userName, user.name),
        password_hash: user.passwordHash,
        role: user.role,
        created_at: user.createdAt,
      })
      .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
      .returning(['id', 'email', 'name', 'role', 'created_at'])
      .executeTakeFirst();
    return row ? this.toUser(row) : undefined;
  }

  async findByEmail(email: string): Promise<UserWithCredential | undefined> {
    const row = await this.query()
      .selectFrom('users')
      .selectAll()
      .where(sql<string>`lower(email)`, '=', email.toLowerCase())
      .executeTakeFirst();
    return row ? { ...(await this.toUser(row)), passwordHash: row.password_hash } : undefined;
  }

  async findById(id: string): Promise<User | undefined> {
    const row = await this.query()
      .selectFrom('users')
      .select(['id', 'email', 'name', 'role', 'created_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? this.toUser(row) : undefined;
  }
}
