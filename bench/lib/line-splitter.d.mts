export class LineSplitter {
  constructor(onLine: (line: string) => void);
  onLine: (line: string) => void;
  push(chunk: Buffer): void;
}
