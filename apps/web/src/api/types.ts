// The API's shapes as the app reads them (docs/api/openapi.json). Fields the read side adds
// later (courier position, ETA, timeline) are optional: the app shows them when they come.

export const OrderStatus = {
  ApprovalPending: 'APPROVAL_PENDING',
  Confirmed: 'CONFIRMED',
  PickedUp: 'PICKED_UP',
  Delivered: 'DELIVERED',
  Rejected: 'REJECTED',
  Cancelled: 'CANCELLED',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

export const TicketStatus = {
  Pending: 'PENDING',
  Confirmed: 'CONFIRMED',
  Accepted: 'ACCEPTED',
  Ready: 'READY',
  Cancelled: 'CANCELLED',
} as const;
export type TicketStatus = (typeof TicketStatus)[keyof typeof TicketStatus];

export type Role = 'customer' | 'courier' | 'restaurant' | 'operator';

export interface LatLng {
  lat: number;
  lng: number;
}

export interface Restaurant {
  id: string;
  name: string;
  location: LatLng;
  openNow: boolean;
}

export interface MenuItem {
  id: string;
  name: string;
  priceCents: number;
  available: boolean;
}

export interface Menu extends Restaurant {
  closedNow: boolean;
  items: MenuItem[];
}

export interface OrderLine {
  menuItemId: string;
  name: string;
  quantity: number;
  priceCents: number;
}

export interface DeliveryAddress extends LatLng {
  line1: string;
}

export interface TimelineEntry {
  status: OrderStatus;
  at: string;
}

export interface Order {
  id: string;
  status: OrderStatus;
  restaurantId: string;
  customerId: string;
  lines: OrderLine[];
  totalCents: number;
  currency: string;
  deliveryAddress: DeliveryAddress;
  courierId: string | null;
  rejectionReason: string | null;
  createdAt: string;
  updatedAt: string;
  /** From the order view of the read side, when it has them. */
  courier?: { id?: string; name?: string; position?: (LatLng & { at?: string }) | null } | null;
  etaSeconds?: number | null;
  eta?: string | null;
  timeline?: TimelineEntry[];
}

export interface OrderPage {
  orders: Order[];
  next: string | null;
}

export interface KitchenTicket {
  id: string;
  orderId: string;
  restaurantId: string;
  status: TicketStatus;
  lines: Array<{ menuItemId: string; quantity: number; name: string }>;
  createdAt: string;
  updatedAt: string;
}

export interface Me {
  id: string;
  email: string;
  role: Role;
  name: string | null;
}

export interface TokenResponse {
  accessToken: string;
  expiresIn: number;
  /** Single use: exchange it at POST /v1/auth/refresh (ADR 0016). */
  refreshToken: string;
  refreshExpiresIn: number;
}

export interface DemoAccount {
  email: string;
  password: string;
  role: string;
  restaurantId?: string;
}

/** `/app-config.json`, served by the gateway next to the app. */
export interface WebConfig {
  demoAccounts: DemoAccount[];
  tileUrl: string | null;
}
