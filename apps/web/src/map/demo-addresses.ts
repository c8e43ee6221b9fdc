// Where the demo customer can have food delivered: addresses in the demo city, with their
// coordinates (a real deployment would geocode what the customer types).
import type { DeliveryAddress } from '../api/types.js';

export const ADDRESSES: readonly DeliveryAddress[] = [
  { line1: 'Unter den Linden 1', lat: 52.517, lng: 13.389 },
  { line1: 'Alexanderplatz 1', lat: 52.5219, lng: 13.4132 },
  { line1: 'Torstraße 100', lat: 52.529, lng: 13.4 },
  { line1: 'Kastanienallee 50', lat: 52.538, lng: 13.4095 },
  { line1: 'Oranienburger Straße 30', lat: 52.5245, lng: 13.395 },
  { line1: 'Leipziger Straße 60', lat: 52.5105, lng: 13.394 },
  { line1: 'Karl-Marx-Allee 90', lat: 52.517, lng: 13.442 },
];
