// Who is asking, as the gateway's authentication establishes it.

export type Role = 'customer' | 'courier' | 'restaurant' | 'operator';

export interface Actor {
  readonly id: string;
  readonly role: Role;
}
