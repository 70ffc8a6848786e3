/**
 * Vocabularies for generated people, businesses and devices. The names are built
 * from common Vietnamese family, middle and given names; none is a real record.
 */
import type { SeedRandom } from './seed.random';
import type { SimVendor } from './seed.types';

const FAMILY: [string, number][] = [
  ['Nguyễn', 38],
  ['Trần', 11],
  ['Lê', 9],
  ['Phạm', 7],
  ['Huỳnh', 5],
  ['Hoàng', 3],
  ['Võ', 5],
  ['Phan', 4],
  ['Vũ', 2],
  ['Đặng', 2],
  ['Bùi', 2],
  ['Đỗ', 2],
  ['Hồ', 2],
  ['Ngô', 2],
  ['Dương', 1],
  ['Lý', 1],
  ['Trương', 2],
  ['Lâm', 1],
];
const MIDDLE_M = ['Văn', 'Văn', 'Văn', 'Hữu', 'Minh', 'Thanh', 'Quốc', 'Đức', 'Hoàng', 'Công', 'Tấn', 'Thành'];
const MIDDLE_F = ['Thị', 'Thị', 'Thị', 'Ngọc', 'Thanh', 'Kim', 'Mỹ', 'Thu', 'Bích', 'Hồng'];
const GIVEN_M = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Hải',
  'Hiếu',
  'Hùng',
  'Khoa',
  'Long',
  'Lộc',
  'Minh',
  'Nam',
  'Nghĩa',
  'Phát',
  'Phúc',
  'Quang',
  'Sơn',
  'Tài',
  'Tâm',
  'Thắng',
  'Thịnh',
  'Toàn',
  'Trí',
  'Trung',
  'Tuấn',
  'Việt',
  'Vinh',
];
const GIVEN_F = [
  'Anh',
  'Cúc',
  'Diễm',
  'Dung',
  'Giang',
  'Hà',
  'Hạnh',
  'Hoa',
  'Hương',
  'Lan',
  'Liên',
  'Linh',
  'Loan',
  'Mai',
  'Ngân',
  'Nhung',
  'Oanh',
  'Phượng',
  'Thảo',
  'Thủy',
  'Trang',
  'Trinh',
  'Tuyết',
  'Vân',
  'Yến',
];

export function personName(rng: SeedRandom): string {
  const female = rng.chance(0.45);
  return [rng.weighted(FAMILY), rng.pick(female ? MIDDLE_F : MIDDLE_M), rng.pick(female ? GIVEN_F : GIVEN_M)].join(' ');
}

const SHOP_KINDS = [
  'Cửa hàng tạp hóa',
  'Cửa hàng vật liệu xây dựng',
  'Tiệm vàng',
  'Nhà thuốc',
  'Quán cà phê',
  'Cửa hàng điện máy',
  'Đại lý phân bón',
  'Cửa hàng xe máy',
  'Tiệm sửa xe',
  'Nhà nghỉ',
  'Quán ăn',
  'Cây xăng',
  'Cửa hàng điện thoại',
];
const SHOP_NAMES = [
  'Phát Đạt',
  'Thành Công',
  'Minh Phát',
  'Hưng Thịnh',
  'Kim Ngân',
  'Phúc Lộc',
  'Tân Phát',
  'Hoàng Long',
  'Thanh Bình',
  'Ngọc Ánh',
  'Hồng Phúc',
  'Vạn Lợi',
  'Tấn Tài',
  'Gia Huy',
  'Bảo Ngọc',
  'Đức Thịnh',
];
const COMPANY_FORMS = ['Công ty TNHH', 'Công ty TNHH MTV', 'Công ty Cổ phần', 'Doanh nghiệp tư nhân'];
const COMPANY_TRADES = ['Thương mại', 'Xây dựng', 'Vận tải', 'Thực phẩm', 'Cơ khí', 'May mặc', 'Nông sản', 'Bao bì', 'Gỗ', 'Logistics'];

/** A business or an agency (the report counts them together), in commune `communeName`. */
export function businessName(rng: SeedRandom, communeName: string): string {
  const r = rng.next();
  if (r < 0.55) return `${rng.pick(SHOP_KINDS)} ${rng.pick(SHOP_NAMES)}`;
  if (r < 0.88) return `${rng.pick(COMPANY_FORMS)} ${rng.pick(COMPANY_TRADES)} ${rng.pick(SHOP_NAMES)}`;
  return `${rng.pick(['UBND', 'Trạm Y tế', 'Trường Tiểu học', 'Trường THCS', 'Công an', 'Bưu điện văn hóa'])} ${communeName}`;
}

/** A Vietnamese mobile number, 09xxxxxxxx. */
export function phoneNumber(rng: SeedRandom): string {
  return `09${rng.string(8, '0123456789')}`;
}

/** Plausible bullet (fixed) and PTZ models per simulated vendor, with a firmware line. */
export const VENDOR_MODELS: Record<SimVendor, { bullet: string[]; ptz: string[]; firmware: string[] }> = {
  Hikvision: {
    bullet: ['DS-2CD2T47G2-L', 'DS-2CD2043G2-I', 'DS-2CD2T26G2-4I'],
    ptz: ['DS-2DE4425IW-DE', 'DS-2DE5432IW-AE'],
    firmware: ['V5.7.3 build 220112', 'V5.6.5 build 210524'],
  },
  Dahua: {
    bullet: ['IPC-HFW2431S-S-S2', 'IPC-HFW3441T-ZAS', 'IPC-HFW1230S-S5'],
    ptz: ['SD49425XB-HNR', 'SD5A432XA-HNR'],
    firmware: ['2.800.0000000.28.R', '2.820.0000000.6.R'],
  },
  Axis: { bullet: ['P1465-LE', 'M2035-LE', 'P1455-LE'], ptz: ['Q6075-E', 'Q6135-LE'], firmware: ['10.12.153', '11.2.68'] },
  Pelco: { bullet: ['IBP232-1ER', 'IBE238-1ER'], ptz: ['S7230L-EW1', 'P2230L-ESR'], firmware: ['2.4.0.41', '3.1.2.12'] },
  'D-Link': { bullet: ['DCS-4718E', 'DCS-4714E'], ptz: ['DCS-F5616-L1', 'DCS-6915'], firmware: ['1.03.05', '1.10.02'] },
  Milesight: { bullet: ['MS-C5364-PB', 'MS-C2964-PB'], ptz: ['MS-C2941-X30RPE', 'MS-C8267-X23PE'], firmware: ['45.8.0.3', '46.7.0.79'] },
};

/** Market shares in the province's procurement (Hikvision and Dahua dominate). */
export const VENDOR_WEIGHTS: [SimVendor, number][] = [
  ['Hikvision', 38],
  ['Dahua', 30],
  ['Milesight', 10],
  ['Axis', 8],
  ['D-Link', 8],
  ['Pelco', 6],
];

/** Consumer cameras that citizens and businesses turn towards the street. */
export const PRIVATE_MODELS: [string, string, number][] = [
  ['EZVIZ', 'C3TN', 20],
  ['EZVIZ', 'H3c', 10],
  ['Imou', 'Bullet 2C', 15],
  ['Imou', 'Ranger 2', 8],
  ['KBVision', 'KX-A2111N2', 12],
  ['Hikvision', 'DS-2CD1023G0E-I', 15],
  ['Dahua', 'IPC-HFW1230S', 12],
  ['TP-Link', 'Tapo C310', 8],
];
