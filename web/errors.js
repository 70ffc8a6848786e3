// The API's errors in the reader's language. Every error answer carries a
// stable `code` and its `params` besides an English `message`; a code known here
// is said in Vietnamese or English with its parameters, anything else falls back
// to the service's own message.

import { addStrings, fmt, t } from './i18n.js';

addStrings({
  vi: {
    'err.out_of_range': '{field} phải từ {min} đến {max} (đang là {value}).',
    'err.out_of_range.min': '{field} phải từ {min} trở lên (đang là {value}).',
    'err.out_of_range.max': '{field} không được quá {max} (đang là {value}).',
    'err.not_a_number': '{field} phải là một số (đang là {value}).',
    'err.not_one_of': '{field} phải là một trong: {allowed} (đang là {value}).',
    'err.not_a_date_time': '{field} phải là ngày giờ, ví dụ 2025-03-01T21:30 (đang là {value}).',
    'err.bad_length': '{field} phải dài từ {min} đến {max} ký tự.',
    'err.bad_format': '{field} không đúng định dạng (đang là {value}).',
    'err.not_a_boolean': '{field} phải là có hoặc không.',
    'err.unknown_field': 'Trường {field} không được hỗ trợ.',
    'err.required': 'Cần nhập {field}.',
    'err.invalid_field': '{field} không hợp lệ (đang là {value}).',
    'err.unauthorized': 'Phiên đăng nhập không còn hiệu lực: hãy đăng nhập lại.',
    'err.forbidden': 'Vai trò của bạn không được dùng chức năng này.',
    'err.not_found': 'Không tìm thấy: {message}',
    'err.conflict': 'Không thực hiện được vì trạng thái hiện tại: {message}',
    'err.payload_too_large': 'Dữ liệu gửi lên quá lớn.',
    'err.body_too_large': 'Dữ liệu gửi lên quá lớn (tối đa {limit}).',
    'err.body_not_json': 'Dữ liệu gửi lên không phải JSON hợp lệ.',
    'err.bad_bbox': 'Vùng bản đồ không hợp lệ.',
    'err.bbox_too_large': 'Vùng bản đồ quá lớn ở mức thu phóng {zoom}.',
    'err.internal': 'Lỗi máy chủ; xem nhật ký dịch vụ.',
    'err.unavailable': 'Dịch vụ chưa sẵn sàng, hãy thử lại sau.',
    'err.generic': 'Lỗi: {message}',
    'err.case_ref_required': 'Cần nhập số hồ sơ vụ việc cho mỗi lần tra cứu.',
    'err.time_in_future': 'Thời điểm {value} chưa tới (bây giờ là {now}).',
    'err.invalid_date_time': 'Thời điểm không hợp lệ (đang là {value}).',
    'err.point_outside_province':
      'Điểm {lat}, {lon} nằm ngoài tỉnh Long An ({distance_m} m từ ranh giới, xa hơn bán kính {radius_m} m): không có camera nào ở đó.',
    'err.assignee_unknown': 'Không có tài khoản "{value}".',
    'err.assignee_inactive': 'Tài khoản "{value}" đã bị khoá.',
    'err.assignee_role': '"{value}" không phải kỹ thuật viên hay quản trị viên.',
    'err.assignee_out_of_scope': '"{value}" phụ trách {scope}, không gồm nơi này.',
    'field.lat': 'Vĩ độ',
    'field.lon': 'Kinh độ',
    'field.radius_m': 'Bán kính (m)',
    'field.at': 'Thời điểm',
    'field.case_ref': 'Số hồ sơ vụ việc',
    'field.budget_vnd': 'Ngân sách (VNĐ)',
    'field.cost_per_station_vnd': 'Chi phí mỗi trạm (VNĐ)',
    'field.cameras_per_station': 'Số camera mỗi trạm',
    'field.routes': 'Tuyến',
    'field.zoom': 'Mức thu phóng',
    'field.bbox': 'Vùng bản đồ',
    'field.from': 'Từ',
    'field.to': 'Đến',
    'field.limit': 'Giới hạn',
    'field.code': 'Mã',
    'field.min_gap_m': 'Đoạn trống tối thiểu (m)',
  },
  en: {
    'err.out_of_range': '{field} must be between {min} and {max} (got {value}).',
    'err.out_of_range.min': '{field} must be at least {min} (got {value}).',
    'err.out_of_range.max': '{field} must be at most {max} (got {value}).',
    'err.not_a_number': '{field} must be a number (got {value}).',
    'err.not_one_of': '{field} must be one of: {allowed} (got {value}).',
    'err.not_a_date_time': '{field} must be a date and time such as 2025-03-01T21:30 (got {value}).',
    'err.bad_length': '{field} must be {min} to {max} characters long.',
    'err.bad_format': '{field} is not in the expected format (got {value}).',
    'err.not_a_boolean': '{field} must be yes or no.',
    'err.unknown_field': 'The field {field} is not supported.',
    'err.required': '{field} is required.',
    'err.invalid_field': '{field} is not valid (got {value}).',
    'err.unauthorized': 'Your sign-in is no longer valid: please sign in again.',
    'err.forbidden': 'Your role may not use this function.',
    'err.not_found': 'Not found: {message}',
    'err.conflict': 'Not possible in the current state: {message}',
    'err.payload_too_large': 'The data sent is too large.',
    'err.body_too_large': 'The data sent is too large (at most {limit}).',
    'err.body_not_json': 'The data sent is not valid JSON.',
    'err.bad_bbox': 'The map area is not valid.',
    'err.bbox_too_large': 'The map area is too large at zoom {zoom}.',
    'err.internal': 'Server error; see the service log.',
    'err.unavailable': 'The service is not ready; try again later.',
    'err.generic': 'Error: {message}',
    'err.case_ref_required': 'A case reference is required for every search.',
    'err.time_in_future': 'The time {value} has not come yet (now is {now}).',
    'err.invalid_date_time': 'The time is not valid (got {value}).',
    'err.point_outside_province':
      'The place {lat}, {lon} lies outside Long An province ({distance_m} m from its border, beyond the {radius_m} m radius): camnet holds no cameras there.',
    'err.assignee_unknown': 'There is no account "{value}".',
    'err.assignee_inactive': 'The account "{value}" is disabled.',
    'err.assignee_role': '"{value}" is neither a technician nor an admin.',
    'err.assignee_out_of_scope': '"{value}" works in {scope}, which does not hold this place.',
    'field.lat': 'Latitude',
    'field.lon': 'Longitude',
    'field.radius_m': 'Radius (m)',
    'field.at': 'Time',
    'field.case_ref': 'Case reference',
    'field.budget_vnd': 'Budget (VND)',
    'field.cost_per_station_vnd': 'Cost per station (VND)',
    'field.cameras_per_station': 'Cameras per station',
    'field.routes': 'Routes',
    'field.zoom': 'Zoom',
    'field.bbox': 'Map area',
    'field.from': 'From',
    'field.to': 'To',
    'field.limit': 'Limit',
    'field.code': 'Code',
    'field.min_gap_m': 'Minimum gap (m)',
  },
});

const known = (key) => t(key) !== key;

/** A parameter as the reader writes it: numbers with their separators, lists with commas. */
function show(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return fmt(value, Number.isInteger(value) ? 0 : 2);
  if (Array.isArray(value)) return value.map(show).join(', ');
  return String(value);
}

/** One coded fault (the answer's own, or one field's) as a sentence, or null when its code is not known here. */
export function codedText(code, params = {}, message = '') {
  if (!code) return null;
  let key = `err.${code}`;
  if (code === 'out_of_range' && (params.min === null || params.min === undefined)) key = 'err.out_of_range.max';
  else if (code === 'out_of_range' && (params.max === null || params.max === undefined)) key = 'err.out_of_range.min';
  if (!known(key)) return null;
  const vars = { message };
  for (const [k, v] of Object.entries(params)) vars[k] = show(v);
  if (params.field !== undefined) vars.field = known(`field.${params.field}`) ? t(`field.${params.field}`) : String(params.field);
  return t(key, vars);
}

/**
 * What to tell the reader about a failed call: the answer's code in their
 * language; for several bad fields, each field's; else the service's message.
 */
export function errorMessage(err) {
  if (err?.code === 'invalid_fields' && Array.isArray(err.errors)) {
    const parts = err.errors.map((e) => codedText(e.code, e.params, e.reason) ?? `${e.field}: ${e.reason}`);
    return parts.join(' ');
  }
  // A generic 400 says nothing by its code: its message is the only useful text.
  if (err?.code && err.code !== 'bad_request') {
    const text = codedText(err.code, err.params, err.message);
    if (text) return text;
  }
  return t('err.generic', { message: err?.message ?? String(err) });
}
