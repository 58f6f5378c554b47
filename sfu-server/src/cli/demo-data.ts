/**
 * What the demo seed puts in the store: one province (Quảng Ninh) with its districts, communes and
 * departments, one bridge point per unit, one account per role, and three meetings. Names are
 * realistic place names; the people are invented.
 */
import type { Role, UnitLevel } from '../../../common/api/model';

/** The one password of every demo account (the admin's too, once the seed has run). */
export const DEMO_PASSWORD = 'phonghop@demo';

/** Found by this name, the province means "already seeded". */
export const DEMO_PROVINCE = 'UBND tỉnh Quảng Ninh';

export interface DemoUnit {
  /** Key used inside the seed (accounts refer to their unit by it). */
  key: string;
  name: string;
  level: UnitLevel;
  point: { name: string; headcount: number };
  children?: DemoUnit[];
}

const commune = (key: string, name: string, room: string, headcount: number): DemoUnit => ({
  key,
  name,
  level: 'commune',
  point: { name: `${room} – ${name}`, headcount },
});

export const DEMO_UNITS: DemoUnit = {
  key: 'province',
  name: DEMO_PROVINCE,
  level: 'province',
  point: { name: 'Hội trường tầng 3, Trụ sở Liên cơ quan số 3 – UBND tỉnh Quảng Ninh (điểm cầu chính)', headcount: 120 },
  children: [
    {
      key: 'bache',
      name: 'UBND huyện Ba Chẽ',
      level: 'district',
      point: { name: 'Phòng họp trực tuyến – UBND huyện Ba Chẽ', headcount: 45 },
      children: [
        commune('bache.thitran', 'UBND thị trấn Ba Chẽ', 'Phòng họp tầng 2', 20),
        commune('bache.thanhson', 'UBND xã Thanh Sơn', 'Phòng họp', 15),
        commune('bache.dapthanh', 'UBND xã Đạp Thanh', 'Hội trường', 18),
      ],
    },
    {
      key: 'tienyen',
      name: 'UBND huyện Tiên Yên',
      level: 'district',
      point: { name: 'Hội trường UBND huyện Tiên Yên', headcount: 60 },
      children: [
        commune('tienyen.dongngu', 'UBND xã Đông Ngũ', 'Phòng họp', 16),
        commune('tienyen.hailang', 'UBND xã Hải Lạng', 'Phòng họp', 14),
        commune('tienyen.phongdu', 'UBND xã Phong Dụ', 'Hội trường', 12),
      ],
    },
    {
      key: 'binhlieu',
      name: 'UBND huyện Bình Liêu',
      level: 'district',
      point: { name: 'Phòng họp trực tuyến – UBND huyện Bình Liêu', headcount: 40 },
      children: [
        commune('binhlieu.hoanhmo', 'UBND xã Hoành Mô', 'Phòng họp', 12),
        commune('binhlieu.dongvan', 'UBND xã Đồng Văn', 'Phòng họp', 10),
        commune('binhlieu.luchon', 'UBND xã Lục Hồn', 'Hội trường', 15),
      ],
    },
    {
      key: 'dongtrieu',
      name: 'UBND thị xã Đông Triều',
      level: 'district',
      point: { name: 'Hội trường tầng 4 – UBND thị xã Đông Triều', headcount: 80 },
      children: [
        commune('dongtrieu.maokhe', 'UBND phường Mạo Khê', 'Hội trường', 30),
        commune('dongtrieu.ducchinh', 'UBND phường Đức Chính', 'Phòng họp', 20),
        commune('dongtrieu.ansinh', 'UBND xã An Sinh', 'Phòng họp', 15),
      ],
    },
    {
      key: 'sonoivu',
      name: 'Sở Nội vụ tỉnh Quảng Ninh',
      level: 'department',
      point: { name: 'Phòng họp tầng 5 – Sở Nội vụ', headcount: 25 },
    },
    {
      key: 'sokhdt',
      name: 'Sở Kế hoạch và Đầu tư tỉnh Quảng Ninh',
      level: 'department',
      point: { name: 'Phòng họp tầng 6 – Sở Kế hoạch và Đầu tư', headcount: 30 },
    },
  ],
};

export interface DemoAccount {
  username: string;
  role: Role;
  displayName: string;
  title: string;
  /** Key of the account's unit in DEMO_UNITS. */
  unit: string;
  /** Operators: the key of the unit whose bridge point they operate. */
  operates?: string;
  /** Invited by name to the demo meetings (delegates, the guest, the observer). */
  invited: boolean;
  /** Shown in the credentials table. */
  roleLabel: string;
  tryThis: string;
}

/** One account per role except admin (made by the server on first start and reused). */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    username: 'thuky',
    role: 'secretary',
    displayName: 'Trần Thị Thu Hà',
    title: 'Chuyên viên Văn phòng UBND tỉnh',
    unit: 'province',
    invited: false,
    roleLabel: 'secretary (Thư ký)',
    tryThis: 'prepare meetings: create, agenda, invite points and delegates, publish, start, end',
  },
  {
    username: 'chutri',
    role: 'chair',
    displayName: 'Phạm Quang Minh',
    title: 'Chủ tịch UBND tỉnh',
    unit: 'province',
    invited: false,
    roleLabel: 'chair (Chủ trì)',
    tryThis: 'chair the live “Hội nghị giao ban trực tuyến tháng 12”; end it',
  },
  {
    username: 'daibieu1',
    role: 'delegate',
    displayName: 'Lê Thị Hương',
    title: 'Giám đốc Sở Nội vụ',
    unit: 'sonoivu',
    invited: true,
    roleLabel: 'delegate (Đại biểu)',
    tryThis: 'join the live meeting from “Live now”; see the upcoming and past ones',
  },
  {
    username: 'daibieu2',
    role: 'delegate',
    displayName: 'Hoàng Văn Nam',
    title: 'Giám đốc Sở Kế hoạch và Đầu tư',
    unit: 'sokhdt',
    invited: true,
    roleLabel: 'delegate (Đại biểu)',
    tryThis: 'a second delegate: join from another browser and see both tiles',
  },
  {
    username: 'daibieu3',
    role: 'delegate',
    displayName: 'Vũ Thị Lan',
    title: 'Chủ tịch UBND huyện Tiên Yên',
    unit: 'tienyen',
    invited: true,
    roleLabel: 'delegate (Đại biểu)',
    tryThis: 'a district delegate: join the live meeting',
  },
  {
    username: 'khach',
    role: 'guest',
    displayName: 'Đỗ Minh Tuấn',
    title: 'Phóng viên Báo Quảng Ninh',
    unit: 'province',
    invited: true,
    roleLabel: 'guest (Khách mời)',
    tryThis: 'join the live meeting as an invited guest (no vote)',
  },
  {
    username: 'diemcau.bache',
    role: 'operator',
    displayName: 'Bùi Văn Đức',
    title: 'Kỹ thuật viên điểm cầu huyện Ba Chẽ',
    unit: 'bache',
    operates: 'bache',
    invited: false,
    roleLabel: 'operator (Điểm cầu Ba Chẽ)',
    tryThis: 'connect the Ba Chẽ bridge point to the live meeting (invited as a point)',
  },
  {
    username: 'quansat',
    role: 'observer',
    displayName: 'Ngô Thị Mai',
    title: 'Thanh tra tỉnh',
    unit: 'province',
    invited: true,
    roleLabel: 'observer (Quan sát)',
    tryThis: 'follow the live meeting as an observer',
  },
];

export const ADMIN_ROW = {
  username: 'admin',
  roleLabel: 'admin (Quản trị)',
  tryThis: 'manage units, bridge points and accounts; read the audit log',
};

export interface DemoAgendaItem {
  title: string;
  presenter: string;
  durationMinutes: number;
}

export const LIVE_MEETING_TITLE = 'Hội nghị giao ban trực tuyến tháng 12';

export const liveAgenda = (year: number): DemoAgendaItem[] => [
  { title: 'Khai mạc, giới thiệu đại biểu và các điểm cầu', presenter: 'Chánh Văn phòng UBND tỉnh', durationMinutes: 10 },
  { title: `Báo cáo tình hình kinh tế – xã hội tháng 12 và cả năm ${year}`, presenter: 'Giám đốc Sở Kế hoạch và Đầu tư', durationMinutes: 30 },
  { title: 'Báo cáo công tác cải cách hành chính và chuyển đổi số', presenter: 'Giám đốc Sở Nội vụ', durationMinutes: 20 },
  { title: 'Ý kiến của các huyện, thị xã và các điểm cầu cấp xã', presenter: 'Chủ tịch UBND các huyện, thị xã', durationMinutes: 45 },
  { title: 'Kết luận của Chủ tịch UBND tỉnh', presenter: 'Chủ tịch UBND tỉnh', durationMinutes: 15 },
];

export const UPCOMING_TITLE_PREFIX = 'Họp triển khai kế hoạch phòng, chống thiên tai năm ';
export const upcomingMeetingTitle = (year: number) => `${UPCOMING_TITLE_PREFIX}${year}`;
export const UPCOMING_AGENDA: DemoAgendaItem[] = [
  { title: 'Tổng kết công tác phòng, chống thiên tai và tìm kiếm cứu nạn', presenter: 'Chánh Văn phòng Ban Chỉ huy PCTT và TKCN tỉnh', durationMinutes: 25 },
  { title: 'Dự thảo kế hoạch phòng, chống thiên tai năm tới', presenter: 'Giám đốc Sở Kế hoạch và Đầu tư', durationMinutes: 30 },
  { title: 'Thảo luận và kết luận', presenter: 'Chủ tịch UBND tỉnh', durationMinutes: 35 },
];

export const PAST_MEETING_TITLE = 'Hội nghị sơ kết công tác chuyển đổi số 9 tháng';
export const PAST_AGENDA: DemoAgendaItem[] = [
  { title: 'Báo cáo sơ kết công tác chuyển đổi số 9 tháng', presenter: 'Giám đốc Sở Nội vụ', durationMinutes: 30 },
  { title: 'Ý kiến của các địa phương', presenter: 'Chủ tịch UBND các huyện, thị xã', durationMinutes: 40 },
  { title: 'Kết luận', presenter: 'Chủ tịch UBND tỉnh', durationMinutes: 15 },
];
