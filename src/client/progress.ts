/** A one-line progress view for long work: redrawn in place on a terminal, a plain line per step elsewhere. */
export class ProgressLine {
  private lastPlain = '';

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {}

  static bar(done: number, total: number, width = 30): string {
    const filled = total === 0 ? width : Math.round((done / total) * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
  }

  update(text: string): void {
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${text}`);
    } else if (text !== this.lastPlain) {
      this.out.write(`${text}\n`);
      this.lastPlain = text;
    }
  }

  /** Leaves the current line and prints a message above the progress (admin actions, warnings). */
  say(message: string): void {
    if (this.out.isTTY) this.out.write('\r\x1b[2K');
    this.out.write(`${message}\n`);
  }

  done(text: string): void {
    this.update(text);
    if (this.out.isTTY) this.out.write('\n');
  }
}
