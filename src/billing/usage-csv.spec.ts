import { csvCell, toCsv, wantsCsv } from './usage-csv';

describe('usage CSV', () => {
  it('quotes fields with commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@sum')).toBe("'@sum");
  });

  it('writes a header row and CRLF lines', () => {
    expect(
      toCsv(
        ['model', 'costUsd'],
        [
          ['gpt-4o', '1.000000'],
          [null, '0.000000'],
        ],
      ),
    ).toBe('model,costUsd\r\ngpt-4o,1.000000\r\n,0.000000\r\n');
  });

  it('follows Accept unless format says otherwise', () => {
    expect(wantsCsv('text/csv')).toBe(true);
    expect(wantsCsv('text/csv; charset=utf-8')).toBe(true);
    expect(wantsCsv('text/csv, */*;q=0.1')).toBe(true);
    expect(wantsCsv('application/json, text/csv;q=0.5')).toBe(false);
    expect(wantsCsv('text/csv;q=0')).toBe(false);
    expect(wantsCsv('*/*')).toBe(false);
    expect(wantsCsv(undefined)).toBe(false);
    expect(wantsCsv('application/json', 'csv')).toBe(true);
    expect(wantsCsv('text/csv', 'json')).toBe(false);
  });
});
