/**
 * What every HTTP request meets: body size limits, DTO validation with a
 * whitelist, and errors that say which field was wrong and why, with nothing
 * internal (stack traces, SQL) leaking out.
 *
 * Every error answer has the same shape: `statusCode`, `message` (English, for
 * people reading logs and curl output), and a stable `code` with its `params`, so
 * a client (the map) can say the same thing in its user's language. Field errors
 * list each bad field in `errors`, each with its own `code` and `params`.
 */
import { keptStaticFiles } from './http/kept-static-files';
import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ConflictException,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { getMetadataStorage } from 'class-validator';
import compression from 'compression';
import { json, type Request, type Response } from 'express';
import { refuseDeepJson } from './http/json-depth';
import { refuseControlCharacters } from './http/request-chars';
import { securityHeaders } from './http/security-headers';

/** JSON bodies larger than this are refused with 413. Imports go through multipart with their own limit. */
export const JSON_BODY_LIMIT = '1mb';

/** Values a client may put into its own sentence: numbers, strings, lists of them. */
export type ErrorParams = Record<string, string | number | boolean | null | readonly (string | number)[]>;

export interface FieldError {
  field: string;
  reason: string;
  /** Stable code of this field's fault (`out_of_range`, `not_a_number`…); `invalid_field` when none was given. */
  code?: string;
  params?: ErrorParams;
}

/** The body of every error answer. */
export interface ErrorBody {
  statusCode: number;
  error?: string;
  message: string;
  code: string;
  params: ErrorParams;
  errors?: FieldError[];
}

/** The code an error gets when whoever threw it gave none: one per HTTP status. */
export const GENERIC_ERROR_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  422: 'unprocessable',
  429: 'too_many_requests',
  500: 'internal',
  503: 'unavailable',
};

const genericCode = (status: number) => GENERIC_ERROR_CODES[status] ?? (status >= 500 ? 'internal' : 'bad_request');

/** A value as an error parameter: JSON-safe, and short enough for a sentence. */
function paramValue(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * The bounds a DTO's own @Min/@Max put on a field ({min, max}, null where none):
 * what a client's form should allow, read from the one place the server checks.
 */
export function fieldLimits(dto: new (...args: never[]) => object, field: string): { min: number | null; max: number | null } {
  const limits: { min: number | null; max: number | null } = { min: null, max: null };
  for (const m of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    if (m.propertyName !== field || typeof m.constraints?.[0] !== 'number') continue;
    if (m.name === 'min') limits.min = m.constraints[0];
    if (m.name === 'max') limits.max = m.constraints[0];
  }
  return limits;
}

/**
 * The stable code and parameters of one class-validator constraint. The bounds
 * come from the DTO's own decorators (Min and Max together make one range), so
 * the client's sentence always names the limits the server applies.
 */
function constraintCode(e: ValidationError, constraint: string): { code: string; params: ErrorParams } {
  const field = e.property;
  const value = paramValue(e.value);
  const bounds = new Map<string, unknown[]>();
  if (e.target) {
    for (const m of getMetadataStorage().getTargetValidationMetadatas(e.target.constructor, '', true, false)) {
      if (m.propertyName === field && m.name) bounds.set(m.name, m.constraints ?? []);
    }
  }
  const num = (name: string) => (typeof bounds.get(name)?.[0] === 'number' ? (bounds.get(name)![0] as number) : null);
  switch (constraint) {
    case 'min':
    case 'max':
      return { code: 'out_of_range', params: { field, value, min: num('min'), max: num('max') } };
    case 'isNumber':
    case 'isInt':
      return { code: 'not_a_number', params: { field, value } };
    case 'isIn': {
      const allowed = bounds.get('isIn')?.[0];
      return { code: 'not_one_of', params: { field, value, allowed: Array.isArray(allowed) ? allowed.map(String) : [] } };
    }
    case 'isIso8601':
    case 'isDateString':
      return { code: 'not_a_date_time', params: { field, value } };
    case 'isLength':
      return {
        code: 'bad_length',
        params: { field, value, min: (bounds.get('isLength')?.[0] as number) ?? null, max: (bounds.get('isLength')?.[1] as number) ?? null },
      };
    case 'matches':
      return { code: 'bad_format', params: { field, value } };
    case 'isBoolean':
      return { code: 'not_a_boolean', params: { field, value } };
    case 'whitelistValidation':
      return { code: 'unknown_field', params: { field } };
    case 'isDefined':
    case 'isNotEmpty':
      return { code: 'required', params: { field } };
    default:
      return { code: 'invalid_field', params: { field, value, constraint } };
  }
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    // A value that is not a number fails its range too; saying so would only confuse.
    const typeFault = Object.entries(e.constraints ?? {}).filter(([c]) => c === 'isNumber' || c === 'isInt');
    const own = (typeFault.length ? typeFault : Object.entries(e.constraints ?? {})).map(([constraint, reason]) => {
      const { code, params } = constraintCode(e, constraint);
      return { field, reason, code, params: { ...params, field } };
    });
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

/**
 * A 400 naming each bad field, in the shape every validation error of the API has.
 * One bad field lends the answer its own code; several make `invalid_fields`.
 */
export function badRequest(
  errors: readonly FieldError[],
  message = errors.map((f) => `${f.field}: ${f.reason}`).join('; '),
  code?: string,
  params?: ErrorParams,
): BadRequestException {
  // Each field error is listed as it was given (with its code when it has one); the answer always has its own.
  const listed = [...errors];
  const own =
    code !== undefined
      ? { code, params: params ?? {} }
      : listed.length === 1
        ? { code: listed[0].code ?? 'invalid_field', params: listed[0].params ?? { field: listed[0].field } }
        : listed.length > 1
          ? { code: 'invalid_fields', params: { fields: [...new Set(listed.map((f) => f.field))] } }
          : { code: 'bad_request', params: {} };
  const body: ErrorBody = { statusCode: 400, error: 'Bad Request', message, ...own, errors: listed };
  return new BadRequestException(body);
}

/** A 400 for one bad field; give a code and params when a client may want to say it in its own words. */
export function badField(field: string, reason: string, code = 'invalid_field', params: ErrorParams = {}): BadRequestException {
  return badRequest([{ field, reason, code, params: { ...params, field } }]);
}

/** A 400 about the request as a whole rather than one field. */
export function badInput(code: string, params: ErrorParams, message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, code, params } satisfies ErrorBody);
}

/** A 404: what was looked for and how it was named. */
export function notFound(code: string, params: ErrorParams, message: string): NotFoundException {
  return new NotFoundException({ statusCode: 404, error: 'Not Found', message, code, params } satisfies ErrorBody);
}

/** A 409: the request is sound but the thing's state does not allow it. */
export function conflict(code: string, params: ErrorParams, message: string): ConflictException {
  return new ConflictException({ statusCode: 409, error: 'Conflict', message, code, params } satisfies ErrorBody);
}

/** A 413: the body, file or answer would be larger than the limit. */
export function tooLarge(code: string, params: ErrorParams, message: string): PayloadTooLargeException {
  return new PayloadTooLargeException({ statusCode: 413, error: 'Payload Too Large', message, code, params } satisfies ErrorBody);
}

/**
 * Any exception's answer in the one error shape: an HttpException thrown with a
 * bare string or with Nest's default body gets the generic code of its status,
 * and keeps whatever extra fields it carried (a readiness check's `checks`).
 */
export function errorBody(status: number, response: string | object): ErrorBody {
  if (typeof response === 'string') return { statusCode: status, message: response, code: genericCode(status), params: {} };
  const r = response as Partial<ErrorBody> & { message?: unknown };
  const said = (response as { status?: unknown }).status;
  const message = Array.isArray(r.message)
    ? r.message.join('; ')
    : typeof r.message === 'string'
      ? r.message
      : typeof said === 'string'
        ? said
        : (r.error ?? `HTTP ${status}`);
  return { ...(response as object), statusCode: status, message, code: r.code ?? genericCode(status), params: r.params ?? {} } as ErrorBody;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // The DTO instance lets a field error name the bounds of its own decorators; it never reaches the answer.
    validationError: { target: true, value: true },
    exceptionFactory: (errors) => badRequest(flattenValidationErrors(errors)),
  });
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    // A route's @Header (text/csv, attachment) is set before it runs; its error is JSON, shown, not downloaded.
    if (!res.headersSent) {
      res.removeHeader('Content-Disposition');
      res.type('application/json');
    }
    if (exception instanceof HttpException) {
      res.status(exception.getStatus()).json(errorBody(exception.getStatus(), exception.getResponse()));
      return;
    }
    this.logger.error((exception as Error)?.stack ?? String(exception));
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json(errorBody(500, 'internal error; see the service log'));
  }
}

/** body-parser's errors (too large, broken JSON) as camnet's error answers; null for anything else. */
function bodyParserError(err: unknown): ErrorBody | null {
  const e = err as { status?: number; type?: string; message?: string };
  if (typeof e?.status !== 'number' || typeof e.type !== 'string' || !e.type.startsWith('entity.')) return null;
  if (e.type === 'entity.too.large')
    return errorBody(e.status, { message: `request body too large (limit ${JSON_BODY_LIMIT})`, code: 'body_too_large', params: { limit: JSON_BODY_LIMIT } });
  if (e.type === 'entity.parse.failed')
    return errorBody(e.status, { message: `request body is not valid JSON: ${e.message}`, code: 'body_not_json', params: {} });
  return errorBody(e.status, e.message ?? 'bad request body');
}

export function applyHttpDefaults(app: NestExpressApplication, options: { tileUrl?: string | null } = {}): void {
  app.disable('x-powered-by');
  app.use(securityHeaders({ tileUrl: options.tileUrl ?? null }));
  app.use(refuseControlCharacters);
  app.use(keptStaticFiles(undefined, { warm: true }));
  // The map's first load is megabytes of JSON; gzip makes it a fifth. The live stream must not be buffered.
  app.use(compression({ filter: (req: Request, res: Response) => !String(req.headers.accept).includes('text/event-stream') && compression.filter(req, res) }));
  // express.json itself rather than useBodyParser, which reserves `verify`: the depth check must run before parsing.
  app.use(json({ limit: JSON_BODY_LIMIT, verify: refuseDeepJson() }));
  // Parser errors happen in Express middleware, before Nest's filters can see them.
  app.use((err: unknown, _req: unknown, res: Response, next: (err?: unknown) => void) => {
    const parserError = bodyParserError(err);
    if (parserError) res.status(parserError.statusCode).json(parserError);
    else next(err);
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorFilter());
}
