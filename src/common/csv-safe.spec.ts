import { spreadsheetCell, spreadsheetCsv, UTF8_BOM } from './csv-safe';

describe('spreadsheet CSV', () => {
  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+84 912', "'+84 912"],
    ['-1+1', "'-1+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['Phường 1', 'Phường 1'],
    ['a,b', '"a,b"'],
  ])('neutralises %j', (input, out) => expect(spreadsheetCell(input)).toBe(out));

  it('leaves numbers as numbers, even negative ones', () => {
    expect(spreadsheetCell(-12.5)).toBe('-12.5');
    expect(spreadsheetCell(null)).toBe('');
  });

  it('starts with a byte-order mark and ends lines with CRLF', () => {
    const csv = spreadsheetCsv(['a', 'b'], [{ a: 'x', b: 1 }]);
    expect(csv.startsWith(UTF8_BOM + 'a,b\r\n')).toBe(true);
    expect(csv.endsWith('x,1\r\n')).toBe(true);
  });
});
