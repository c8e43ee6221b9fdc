// How a service describes one of its HTTP operations for the API documentation, with the same
// zod schemas its routes validate with. Declared next to the routes; `openApiDocument` turns a
// list of them into OpenAPI 3.1.
import type { ErrorDefinition } from '@ordo/errors';
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiResponse {
  readonly description: string;
  /** The JSON body. An error status without one answers with the standard error body. */
  readonly schema?: z.ZodType;
  /** The stable codes an error status answers with (each must have this HTTP status). */
  readonly errors?: readonly ErrorDefinition[];
}

export interface ApiOperation {
  readonly method: HttpMethod;
  /** As registered with Fastify: `/v1/orders/:id`. */
  readonly path: string;
  /** One line: what the operation does. */
  readonly summary: string;
  /** More on it, when one line is not enough: rules, side effects, what the caller may see. */
  readonly description?: string;
  readonly tags: readonly string[];
  /**
   * The roles that may call it with a bearer token; omitted for anonymous operations (login,
   * browsing). Validation (400), 401 and 403 responses are documented from these fields.
   */
  readonly roles?: readonly string[];
  /**
   * Takes an `Idempotency-Key` header (ADR 0018): the gateway runs the first request with a key
   * once and replays its answer to retries. Documented with the header and its 409/422 answers.
   */
  readonly idempotent?: boolean;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** By HTTP status. */
  readonly responses: Readonly<Record<number, ApiResponse>>;
}

/** Fastify's `/v1/orders/:id` as OpenAPI's `/v1/orders/{id}`. */
export function openApiPath(fastifyPath: string): string {
  return fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
