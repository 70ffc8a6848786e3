import { BadRequestException, ValidationError } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { NearQueryDto } from './search/search.dto';
import { badField, badRequest, conflict, errorBody, fieldLimits, flattenValidationErrors, notFound, tooLarge } from './http-defaults';

const validate = (plain: object): ValidationError[] => validateSync(plainToInstance(NearQueryDto, plain), { whitelist: true, forbidNonWhitelisted: true });

describe('error answers', () => {
  it("a range error carries the bounds of the DTO's own decorators", () => {
    const [e] = flattenValidationErrors(validate({ lat: 10, lon: 106, radius_m: 99999 }));
    expect(e).toMatchObject({ field: 'radius_m', code: 'out_of_range', params: { field: 'radius_m', value: 99999, min: 1 } });
    expect(e.params!.max).toBeGreaterThanOrEqual(2000);
    expect(e.reason).toMatch(/radius_m must be between/);
  });

  it("reads a field's bounds from its DTO, for the forms that send it", () => {
    expect(fieldLimits(NearQueryDto, 'radius_m')).toEqual({ min: 1, max: 5000 });
    expect(fieldLimits(NearQueryDto, 'case_ref')).toEqual({ min: null, max: null });
  });

  it('one bad field lends its code to the answer; several make invalid_fields', () => {
    const one = badRequest(flattenValidationErrors(validate({ lat: 'x', lon: 106, radius_m: 300 }))).getResponse();
    expect(one).toMatchObject({ statusCode: 400, code: 'not_a_number', params: { field: 'lat' } });
    const two = badRequest(flattenValidationErrors(validate({ lat: 'x', lon: 106, radius_m: 300, extra: 1 }))).getResponse();
    expect(two).toMatchObject({ code: 'invalid_fields', params: { fields: ['extra', 'lat'] } });
  });

  it('the builders give each status its code, params and English message', () => {
    expect(badField('budget_vnd', 'budget_vnd is below one station', 'below_one_station', { cost_vnd: 18e6 }).getResponse()).toMatchObject({
      statusCode: 400,
      code: 'below_one_station',
      params: { cost_vnd: 18e6, field: 'budget_vnd' },
      message: 'budget_vnd: budget_vnd is below one station',
    });
    expect(notFound('camera_not_found', { code: 'X' }, 'no camera with code X').getResponse()).toMatchObject({
      statusCode: 404,
      code: 'camera_not_found',
      params: { code: 'X' },
    });
    expect(conflict('alert_resolved', { id: 3 }, 'alert 3 was resolved').getResponse()).toMatchObject({ statusCode: 409, code: 'alert_resolved' });
    expect(tooLarge('import_too_large', { limit: '20mb' }, 'too large').getResponse()).toMatchObject({ statusCode: 413, code: 'import_too_large' });
  });

  it('an exception thrown the plain Nest way still answers with a generic code', () => {
    expect(errorBody(400, new BadRequestException('from must be before to').getResponse())).toMatchObject({
      statusCode: 400,
      message: 'from must be before to',
      code: 'bad_request',
      params: {},
    });
    expect(errorBody(404, 'no such thing')).toEqual({ statusCode: 404, message: 'no such thing', code: 'not_found', params: {} });
    expect(errorBody(503, { status: 'not ready', checks: { db: 'down' } })).toMatchObject({
      statusCode: 503,
      message: 'not ready',
      code: 'unavailable',
      checks: { db: 'down' },
    });
  });
});
