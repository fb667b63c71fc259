/** A CSV file as RFC 4180 writes it: CRLF line ends, fields with quotes, commas or line breaks quoted. */
export function csvText(header: readonly string[], rows: readonly (string | number | undefined)[][]): string {
  return `${[header, ...rows].map((cells) => cells.map(csvField).join(',')).join('\r\n')}\r\n`;
}

function csvField(value: string | number | undefined): string {
  const text = String(value ?? '');
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
