/** A single progress line on stderr, only on a terminal; nothing at all when piped or quiet. */
export function createProgress(stream: NodeJS.WriteStream, enabled: boolean) {
  const active = enabled && Boolean(stream.isTTY);
  let shown = false;
  return {
    update: (message: string) => {
      if (!active) return;
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      stream.write(`\r\x1b[2K${message.slice(0, width)}`);
      shown = true;
    },
    done: () => {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
