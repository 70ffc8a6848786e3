/**
 * What every HTTP request meets: body size limits, DTO validation with a
 * whitelist, and errors that say which field was wrong and why, with nothing
 * internal (stack traces, SQL) leaking out.
 */
import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import compression from 'compression';
import { json, type Request, type Response } from 'express';
import { refuseDeepJson } from './http/json-depth';
import { refuseControlCharacters } from './http/request-chars';
import { securityHeaders } from './http/security-headers';

/** JSON bodies larger than this are refused with 413. Imports go through multipart with their own limit. */
export const JSON_BODY_LIMIT = '1mb';

export interface FieldError {
  field: string;
  reason: string;
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

/** A 400 naming each bad field, in the shape every validation error of the API has. */
export function badRequest(errors: readonly FieldError[], message = errors.map((f) => `${f.field}: ${f.reason}`).join('; ')): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, errors });
}

/** A 400 for one bad field. */
export function badField(field: string, reason: string): BadRequestException {
  return badRequest([{ field, reason }]);
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
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
      const body = exception.getResponse();
      res.status(exception.getStatus()).json(typeof body === 'string' ? { statusCode: exception.getStatus(), message: body } : body);
      return;
    }
    this.logger.error((exception as Error)?.stack ?? String(exception));
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ statusCode: 500, message: 'internal error; see the service log' });
  }
}

/** body-parser's errors (too large, broken JSON) as camnet's error answers; null for anything else. */
function bodyParserError(err: unknown): { statusCode: number; message: string } | null {
  const e = err as { status?: number; type?: string; message?: string };
  if (typeof e?.status !== 'number' || typeof e.type !== 'string' || !e.type.startsWith('entity.')) return null;
  const message =
    e.type === 'entity.too.large'
      ? `request body too large (limit ${JSON_BODY_LIMIT})`
      : e.type === 'entity.parse.failed'
        ? `request body is not valid JSON: ${e.message}`
        : (e.message ?? 'bad request body');
  return { statusCode: e.status, message };
}

export function applyHttpDefaults(app: NestExpressApplication, options: { tileUrl?: string | null } = {}): void {
  app.disable('x-powered-by');
  app.use(securityHeaders({ tileUrl: options.tileUrl ?? null }));
  app.use(refuseControlCharacters);
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
