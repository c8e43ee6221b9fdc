import { describe, expect, it } from 'vitest';
import { distanceKm, interpolate, pointNear, route } from './geo.js';

const alexanderplatz = { lat: 52.5219, lng: 13.4132 };
const brandenburgerTor = { lat: 52.5163, lng: 13.3777 };

describe('interpolate', () => {
  it('when t is 0, ½ or 1, then it is the start, the midpoint or the end', () => {
    expect(interpolate(alexanderplatz, brandenburgerTor, 0)).toEqual(alexanderplatz);
    expect(interpolate(alexanderplatz, brandenburgerTor, 1)).toEqual(brandenburgerTor);
    expect(interpolate(alexanderplatz, brandenburgerTor, 0.5)).toEqual({ lat: 52.5191, lng: 13.39545 });
  });

  it('when t is outside 0–1, then it stays on the segment', () => {
    expect(interpolate(alexanderplatz, brandenburgerTor, -1)).toEqual(alexanderplatz);
    expect(interpolate(alexanderplatz, brandenburgerTor, 2)).toEqual(brandenburgerTor);
  });
});

describe('route', () => {
  it('when driven in 4 steps, then it reports 4 evenly spaced positions ending at the destination', () => {
    const points = route(alexanderplatz, brandenburgerTor, 4);
    expect(points).toHaveLength(4);
    expect(points.at(-1)).toEqual(brandenburgerTor);
    const stops = [alexanderplatz, ...points];
    const whole = distanceKm(alexanderplatz, brandenburgerTor);
    for (let i = 1; i < stops.length; i++) expect(distanceKm(stops[i - 1]!, stops[i]!)).toBeCloseTo(whole / 4, 3);
  });

  it('when asked for zero or a fraction of a step, then it still arrives in one step', () => {
    expect(route(alexanderplatz, brandenburgerTor, 0)).toEqual([brandenburgerTor]);
    expect(route(alexanderplatz, brandenburgerTor, 0.5)).toEqual([brandenburgerTor]);
  });
});

describe('pointNear', () => {
  it('when asked for a point 2 km away in any direction, then it is 2 km away', () => {
    for (const bearing of [0, Math.PI / 3, Math.PI, 5]) {
      expect(distanceKm(alexanderplatz, pointNear(alexanderplatz, 2, bearing))).toBeCloseTo(2, 2);
    }
  });

  it('when the bearing is north or east, then latitude or longitude grows', () => {
    expect(pointNear(alexanderplatz, 1, 0).lat).toBeGreaterThan(alexanderplatz.lat);
    expect(pointNear(alexanderplatz, 1, Math.PI / 2).lng).toBeGreaterThan(alexanderplatz.lng);
  });
});

describe('distanceKm', () => {
  it('when measuring Alexanderplatz to the Brandenburg Gate, then it is about 2.5 km', () => {
    expect(distanceKm(alexanderplatz, brandenburgerTor)).toBeCloseTo(2.5, 1);
  });
});
