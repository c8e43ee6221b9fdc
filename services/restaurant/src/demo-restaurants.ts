// The demo catalogue: five restaurants around one city centre (Berlin Mitte), each open all
// day, every day (UTC), so the demo works at any hour. One item starts out unavailable.
import type { GeoPoint } from '@ordo/contracts-common';
import type { OpeningHours } from './domain/restaurant.js';
import type { RestaurantDefinitionSeed } from './use-cases/seed-restaurants.use-case.js';

/** Where the demo city is; couriers and customers of the demo should be placed around it too. */
export const DEMO_CITY_CENTRE: GeoPoint = { lat: 52.52, lng: 13.405 };

const allDay: OpeningHours = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, opensAt: 0, closesAt: 1440 }));

function near(dLat: number, dLng: number): GeoPoint {
  return {
    lat: Number((DEMO_CITY_CENTRE.lat + dLat).toFixed(5)),
    lng: Number((DEMO_CITY_CENTRE.lng + dLng).toFixed(5)),
  };
}

function item(id: string, name: string, priceCents: number, available = true) {
  return { id, name, priceCents, available };
}

export const demoRestaurants: readonly RestaurantDefinitionSeed[] = [
  {
    id: 'rst-curry-corner',
    name: 'Curry Corner',
    location: near(0.004, -0.006),
    openingHours: allDay,
    items: [
      item('itm-currywurst', 'Currywurst', 450),
      item('itm-currywurst-fries', 'Currywurst with fries', 690),
      item('itm-fries', 'Fries', 300),
      item('itm-vegan-currywurst', 'Vegan currywurst', 520),
      item('itm-lemonade', 'Homemade lemonade', 350),
    ],
  },
  {
    id: 'rst-trattoria-luca',
    name: 'Trattoria Luca',
    location: near(-0.006, 0.008),
    openingHours: allDay,
    items: [
      item('itm-margherita', 'Pizza Margherita', 950),
      item('itm-diavola', 'Pizza Diavola', 1150),
      item('itm-carbonara', 'Spaghetti Carbonara', 1250),
      item('itm-lasagna', 'Lasagna al forno', 1300),
      item('itm-tiramisu', 'Tiramisù', 650),
      item('itm-truffle-gnocchi', 'Truffle gnocchi', 1690, false),
    ],
  },
  {
    id: 'rst-pho-hanoi',
    name: 'Phở Hà Nội',
    location: near(0.009, 0.012),
    openingHours: allDay,
    items: [
      item('itm-pho-bo', 'Phở bò', 1190),
      item('itm-pho-ga', 'Phở gà', 1090),
      item('itm-bun-cha', 'Bún chả', 1250),
      item('itm-summer-rolls', 'Summer rolls (2)', 590),
      item('itm-banh-mi', 'Bánh mì', 790),
      item('itm-iced-coffee', 'Cà phê sữa đá', 450),
      item('itm-lychee-tea', 'Lychee iced tea', 390),
    ],
  },
  {
    id: 'rst-falafel-house',
    name: 'Falafel House',
    location: near(-0.011, -0.009),
    openingHours: allDay,
    items: [
      item('itm-falafel-wrap', 'Falafel wrap', 650),
      item('itm-halloumi-wrap', 'Halloumi wrap', 750),
      item('itm-mezze-plate', 'Mezze plate', 1190),
      item('itm-hummus', 'Hummus with bread', 590),
      item('itm-baklava', 'Baklava (3)', 450),
      item('itm-ayran', 'Ayran', 250),
    ],
  },
  {
    id: 'rst-green-bowl',
    name: 'Green Bowl',
    location: near(0.002, 0.017),
    openingHours: allDay,
    items: [
      item('itm-buddha-bowl', 'Buddha bowl', 1090),
      item('itm-poke-salmon', 'Salmon poke', 1390),
      item('itm-poke-tofu', 'Tofu poke', 1190),
      item('itm-quinoa-salad', 'Quinoa salad', 950),
      item('itm-smoothie', 'Berry smoothie', 550),
      item('itm-matcha-latte', 'Matcha latte', 480),
      item('itm-brownie', 'Vegan brownie', 390),
      item('itm-kombucha', 'Kombucha', 420),
    ],
  },
];
