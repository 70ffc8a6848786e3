import { parse } from 'csv-parse/sync';
import { csvField, csvLine, readCsvText, toCsv } from './csv';

describe('csvField', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['@SUM(1+1)', "'@SUM(1+1)"],
    ['+84 90 123 4567', "'+84 90 123 4567"],
    ['-2+3', "'-2+3"],
    ['\tcmd', "'\tcmd"],
    ['\r=1', `"'\r=1"`],
    ["'=already", "''=already"],
  ])('neutralises the formula start of %j', (value, written) => {
    expect(csvField(value)).toBe(written);
  });

  it('quotes commas, quotes and line breaks, and leaves numbers as numbers', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(-12.5)).toBe('-12.5');
    expect(csvField(null)).toBe('');
    expect([NaN, Infinity, -Infinity].map(csvField)).toEqual(['', '', '']);
    expect(csvField('plain')).toBe('plain');
  });

  it('reads back exactly what was written, formula starts included', () => {
    const values = ['=1+1', "'=1+1", "''x", "'plain", '+84', 'normal', 'a\nb', '-', "'"];
    const doc = toCsv(
      ['v'],
      values.map((v) => ({ v })),
    );
    const table: string[][] = parse(doc);
    expect(table.slice(1).map((r) => readCsvText(r[0]))).toEqual(values);
    // And no cell a spreadsheet would evaluate.
    expect(
      table
        .slice(1)
        .map((r) => r[0])
        .filter((c) => /^[=+\-@\t\r]/.test(c)),
    ).toEqual([]);
  });

  it('keeps a cell on one row whatever it holds', () => {
    expect(csvLine(['case A\r\n=cmd,x', 1])).toBe('"case A\r\n=cmd,x",1\r\n');
  });
});
