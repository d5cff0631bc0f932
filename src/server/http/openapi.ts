import { z } from 'zod';
import { procedures, type EnvelopeKind, type Procedure } from '../../shared/contract/index';
import { carriesBody, pathParamNames } from '../../shared/contract/http-mapping';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function without(schema: JsonSchema, names: string[]): JsonSchema {
  const properties = { ...(schema.properties ?? {}) };
  for (const name of names) delete properties[name];
  return { ...schema, properties, required: (schema.required ?? []).filter((r) => !names.includes(r)) };
}

/** A refusal as one envelope writes it: a JSON object with `success: false` and the envelope's own fields. */
function errorResponse(description: string, properties: Record<string, unknown>, required: string[]): Record<string, unknown> {
  return {
    description,
    content: { 'application/json': { schema: { type: 'object', properties: { success: { const: false }, ...properties, code: { type: 'string' } }, required: ['success', ...required] } } },
  };
}

const fieldProblem = (key: string) => ({ type: 'object', properties: { [key]: { type: 'string' }, message: { type: 'string' } } });

/** The refusal shape of each documented envelope. */
const ERROR_RESPONSES: Record<EnvelopeKind, Record<string, unknown>> = {
  // forex-echo (/api/...): {success:false, error, code, details:[{path, message}]}
  'forex-echo': errorResponse(
    'Refused: `error` says why in words, `code` is stable for scripts, `details` lists field problems',
    { error: { type: 'string' }, details: { type: 'array', items: fieldProblem('path') } },
    ['error'],
  ),
  // binance-trading-bot (/api/backtest/, ...): {success:false, error, details:{field, message, errors?}}
  'binance-trading-bot': errorResponse(
    'Refused: `error` says why in words, `details` names the first field and its problem (all of them in `details.errors`), `code` is stable for scripts',
    {
      error: { type: 'string' },
      details: {
        type: 'object',
        properties: { field: { type: 'string' }, message: { type: 'string' }, errors: { type: 'array', items: fieldProblem('field') } },
      },
    },
    ['error'],
  ),
  // trading-application (/api/v1/...): {success:false, detail, errors:{field: message}, request_id, timestamp}
  'trading-application': errorResponse(
    'Refused: `detail` says why in words, `errors` maps fields to their problem, `code` is stable for scripts',
    {
      detail: { type: 'string' },
      errors: { type: 'object', additionalProperties: { type: 'string' } },
      request_id: { type: 'string' },
      timestamp: { type: 'string', format: 'date-time' },
    },
    ['detail', 'errors', 'request_id', 'timestamp'],
  ),
  // ai-trading-hub (/auth/..., /user/..., /admin/...): FastAPI's {detail}, plus code and errors
  'ai-trading-hub': {
    description: 'Refused: `detail` says why in words, `code` is stable for scripts, `errors` lists field problems',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: { detail: { type: 'string' }, code: { type: 'string' }, errors: { type: 'array', items: fieldProblem('path') } },
          required: ['detail'],
        },
      },
    },
  },
  // market7 (/api/health, /api/status, /api/metrics...): {status:'error', error:{code, message, details, detail_code}, timestamp}
  market7: {
    description: "Refused: `error.code` is market7's (VALIDATION_ERROR, AUTHENTICATION_ERROR, NOT_FOUND, ...), `error.detail_code` ours, `error.details.errors` lists field problems",
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            status: { const: 'error' },
            error: {
              type: 'object',
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                details: { type: 'object', properties: { errors: { type: 'array', items: fieldProblem('path') } } },
                detail_code: { type: 'string' },
              },
              required: ['code', 'message', 'details'],
            },
            timestamp: { type: 'string', format: 'date-time' },
          },
          required: ['status', 'error', 'timestamp'],
        },
      },
    },
  },
};

function successSchema(kind: EnvelopeKind, output: JsonSchema): Record<string, unknown> {
  switch (kind) {
    case 'forex-echo':
      return { type: 'object', properties: { success: { const: true }, message: { type: 'string' }, data: output }, required: ['success', 'message', 'data'] };
    case 'trading-application':
    case 'binance-trading-bot':
    case 'ai-trading-hub':
      return output;
    case 'market7':
      return { type: 'object', properties: { status: { const: 'success' }, data: output, timestamp: { type: 'string', format: 'date-time' } }, required: ['status', 'data', 'timestamp'] };
  }
}

/** The OpenAPI 3.1 document, generated from the procedure table; served at /openapi.json and rendered at /docs. */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const procedure of Object.values(procedures) as Procedure[]) {
    const input = jsonSchemaOf(procedure.input, 'input');
    const output = jsonSchemaOf(procedure.output, 'output');
    procedure.http.forEach((route, index) => {
      const params = pathParamNames(route.path);
      const rest = without(input, params);
      const parameters: unknown[] = params.map((name) => ({
        name,
        in: 'path',
        required: true,
        schema: input.properties?.[name] ?? { type: 'string' },
      }));
      if (!carriesBody(route)) {
        for (const [name, schema] of Object.entries(rest.properties ?? {})) {
          parameters.push({ name, in: 'query', required: (rest.required ?? []).includes(name), schema });
        }
      }
      const refused =
        ERROR_RESPONSES[route.envelope];
      const operation: Record<string, unknown> = {
        operationId: index === 0 ? procedure.name : `${procedure.name}#${index + 1}`,
        summary: procedure.summary,
        ...(procedure.description ? { description: procedure.description } : {}),
        tags: [procedure.tag],
        parameters,
        ...(route.public ? { security: [] } : {}),
        responses: {
          [route.status ?? 200]:
            route.status === 204
              ? { description: 'Done (no body)' }
              : {
                  description: route.status === 201 ? 'Created' : 'Done',
                  content: {
                    'application/json': { schema: route.bare ? output : successSchema(route.envelope, output) },
                    ...(route.text === 'prometheus' ? { 'text/plain; version=0.0.4': { schema: { type: 'string' } } } : {}),
                  },
                },
          400: refused,
          401: refused,
          404: refused,
          409: refused,
        },
      };
      if (carriesBody(route)) {
        operation.requestBody = { required: true, content: { 'application/json': { schema: rest } } };
      }
      (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
    });
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Echo Workstation local API',
      version,
      description:
        'The local API of Echo Workstation, mirroring the documented Forex Echo backend API. ' +
        'Every request but /health needs `Authorization: Bearer <token>` or `X-API-Key: <token>`; ' +
        'the token is in the file `api-token` of the data directory. Money is kept to the cent.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
    security: [{ bearer: [] }, { apiKey: [] }],
    paths,
  };
}
