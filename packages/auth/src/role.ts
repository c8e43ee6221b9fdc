// The roles a user can have. Each endpoint names the roles it serves; there is no hierarchy
// (an operator is not implicitly a customer).

export const Role = {
  Customer: 'customer',
  Courier: 'courier',
  Restaurant: 'restaurant',
  Operator: 'operator',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const ALL_ROLES: readonly Role[] = Object.values(Role);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ALL_ROLES as readonly string[]).includes(value);
}
