// The order's map, drawn from data the app ships (the demo city), so it works with no tile
// server: the restaurant, the destination, the courier when one is assigned, and the route.
// With a tile URL configured, the tiles are laid under the same projection.
import type { LatLng } from '../api/types.js';
import { DISTRICT_LABELS, PARKS, RIVER, STREETS } from '../map/demo-city.js';
import {
  MAP_HEIGHT,
  MAP_WIDTH,
  type Point,
  project,
  projectPair,
  tilesCovering,
  unitsPerMetre,
} from '../map/projection.js';

export interface CityMapProps {
  restaurant?: { name: string; location: LatLng } | undefined;
  destination?: (LatLng & { line1: string }) | undefined;
  /** `approximate`: assigned, but no position shared yet (drawn at the pickup, dashed). */
  courier?: { name?: string | undefined; position: LatLng; approximate: boolean } | undefined;
  /** Once picked up, the courier rides the route; before, they head for the restaurant. */
  pickedUp?: boolean;
  tileUrl?: string | null;
}

const PADDING = 110;
const MIN_SPAN = 420;

function pathOf(points: readonly Point[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
}

/** The part of the city around the points, never smaller than MIN_SPAN, never past the map. */
function frame(points: readonly Point[]): { x: number; y: number; w: number; h: number } {
  if (points.length === 0) return { x: 0, y: 0, w: MAP_WIDTH, h: MAP_HEIGHT };
  const xs = points.map((p) => Math.min(MAP_WIDTH, Math.max(0, p.x)));
  const ys = points.map((p) => Math.min(MAP_HEIGHT, Math.max(0, p.y)));
  const span = Math.max(
    MIN_SPAN,
    Math.max(...xs) - Math.min(...xs) + 2 * PADDING,
    Math.max(...ys) - Math.min(...ys) + 2 * PADDING,
  );
  const w = Math.min(MAP_WIDTH, span);
  const h = Math.min(MAP_HEIGHT, span);
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
  const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  return {
    x: Math.min(MAP_WIDTH - w, Math.max(0, cx - w / 2)),
    y: Math.min(MAP_HEIGHT - h, Math.max(0, cy - h / 2)),
    w,
    h,
  };
}

function tileHref(template: string, tile: { z: number; x: number; y: number }): string {
  return template.replace('{z}', String(tile.z)).replace('{x}', String(tile.x)).replace('{y}', String(tile.y));
}

export function CityMap(props: CityMapProps) {
  const restaurant = props.restaurant ? project(props.restaurant.location) : undefined;
  const destination = props.destination ? project(props.destination) : undefined;
  const courierAt = props.courier ? project(props.courier.position) : undefined;
  const view = frame([restaurant, destination, courierAt].filter((p): p is Point => p !== undefined));
  const unit = view.w / 40; // marker size: a fortieth of what is shown, whatever the zoom
  // Without a shared position the courier is drawn beside the pickup, not on top of it.
  const courier =
    courierAt && props.courier?.approximate ? { x: courierAt.x + unit * 1.5, y: courierAt.y - unit * 1.5 } : courierAt;
  const metres = view.w > 700 ? 1000 : 500;
  const scaleBar = metres * unitsPerMetre();

  const description = [
    props.restaurant ? `restaurant ${props.restaurant.name}` : undefined,
    props.destination ? `destination ${props.destination.line1}` : undefined,
    props.courier ? (props.courier.approximate ? 'courier assigned' : 'courier on the way') : undefined,
  ]
    .filter(Boolean)
    .join(', ');

  return (
    <figure class="map">
      <svg
        viewBox={`${view.x.toFixed(1)} ${view.y.toFixed(1)} ${view.w.toFixed(1)} ${view.h.toFixed(1)}`}
        preserveAspectRatio="xMidYMid meet"
        role="img"
        aria-label={`Map of central Berlin showing the ${description || 'city'}`}
      >
        <rect x="0" y="0" width={MAP_WIDTH} height={MAP_HEIGHT} class="map-land" />
        {props.tileUrl ? (
          tilesCovering(14).map((tile) => (
            <image
              key={`${tile.x}/${tile.y}`}
              href={tileHref(props.tileUrl as string, tile)}
              x={tile.at.x}
              y={tile.at.y}
              width={tile.size}
              height={tile.size}
            />
          ))
        ) : (
          <g>
            {PARKS.map((park) => (
              <path key={park.name} d={`${pathOf(park.path.map(projectPair))} Z`} class="map-park" />
            ))}
            <path d={pathOf(RIVER.map(projectPair))} class="map-river" />
            {STREETS.map((street) => (
              <path
                key={street.name}
                d={pathOf(street.path.map(projectPair))}
                class={street.major ? 'map-street map-street-major' : 'map-street'}
              />
            ))}
            {DISTRICT_LABELS.map((label) => {
              const at = projectPair(label.at);
              return (
                <text key={label.name} x={at.x} y={at.y} class="map-label" font-size={unit * 0.9}>
                  {label.name}
                </text>
              );
            })}
          </g>
        )}

        {restaurant && destination && (
          <path
            d={pathOf([restaurant, destination])}
            class={props.pickedUp ? 'map-route map-route-active' : 'map-route'}
            stroke-width={unit * 0.35}
            data-testid="route"
          />
        )}
        {courier && restaurant && !props.pickedUp && !props.courier?.approximate && (
          <path d={pathOf([courier, restaurant])} class="map-route map-route-approach" stroke-width={unit * 0.25} />
        )}

        {restaurant && (
          <g transform={`translate(${restaurant.x.toFixed(1)} ${restaurant.y.toFixed(1)})`} data-marker="restaurant">
            <title>{props.restaurant?.name}</title>
            <circle r={unit} class="marker-restaurant" />
            <path
              d={`M${-unit * 0.45} ${-unit * 0.1} h${unit * 0.9} a${unit * 0.45} ${unit * 0.45} 0 0 1 ${-unit * 0.9} 0 Z`}
              fill="#fff"
            />
          </g>
        )}
        {destination && (
          <g transform={`translate(${destination.x.toFixed(1)} ${destination.y.toFixed(1)})`} data-marker="destination">
            <title>{props.destination?.line1}</title>
            <circle r={unit} class="marker-destination" />
            <path
              d={`M0 ${-unit * 0.55} L${unit * 0.5} ${-unit * 0.1} V${unit * 0.45} H${-unit * 0.5} V${-unit * 0.1} Z`}
              fill="#fff"
            />
          </g>
        )}
        {courier && (
          <g
            // A CSS transform (set through the CSSOM, which the page's CSP allows) glides between positions.
            style={{ transform: `translate(${courier.x.toFixed(1)}px, ${courier.y.toFixed(1)}px)` }}
            data-marker="courier"
            data-lat={props.courier?.position.lat}
            data-lng={props.courier?.position.lng}
            data-approximate={props.courier?.approximate ? 'true' : 'false'}
            class={props.courier?.approximate ? 'courier-approximate' : 'courier-live'}
          >
            <title>
              {props.courier?.approximate
                ? 'Courier assigned, live position not shared yet'
                : `Courier${props.courier?.name ? ` ${props.courier.name}` : ''}`}
            </title>
            <circle r={unit * 1.7} class="marker-courier-halo" />
            <circle r={unit * 0.8} class="marker-courier" stroke-width={unit * 0.3} />
          </g>
        )}

        <g
          transform={`translate(${(view.x + view.w - scaleBar - unit).toFixed(1)} ${(view.y + view.h - unit).toFixed(1)})`}
        >
          <path
            d={`M0 ${-unit * 0.3} V0 H${scaleBar.toFixed(1)} V${-unit * 0.3}`}
            class="map-scale"
            stroke-width={unit * 0.12}
          />
          <text x={scaleBar / 2} y={-unit * 0.45} class="map-scale-label" font-size={unit * 0.8}>
            {metres === 1000 ? '1 km' : '500 m'}
          </text>
        </g>
      </svg>
      <figcaption class="map-legend">
        <span>
          <i class="dot dot-restaurant" aria-hidden="true" /> Restaurant
        </span>
        <span>
          <i class="dot dot-destination" aria-hidden="true" /> You
        </span>
        <span>
          <i class="dot dot-courier" aria-hidden="true" /> Courier
        </span>
        {!props.tileUrl && <span class="map-note">Schematic map of central Berlin</span>}
      </figcaption>
    </figure>
  );
}
