// Component tests call the service the way the gateway does in the distributed shape: the caller
// in `x-ordo-caller`, read by the same RouteAuth the service runs with behind the gateway (every
// peer trusted here: in-process there is no TLS peer to check; forwarded-caller tests cover that).
import { encodeCaller, forwardedCallerAuth, type Role, type RouteAuth } from '@ordo/auth';

export const testAuth: RouteAuth = forwardedCallerAuth({ trust: () => true });

const caller = (id: string, role: Role) => ({ 'x-ordo-caller': encodeCaller({ kind: 'user', user: { id, role } }) });

export const as = (userId: string, role: Role = 'courier') => caller(userId, role);
