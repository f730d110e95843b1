// What the log view lets through: free text, a minimum level, a request id. Pure, so it is
// tested without an editor. Written as `level:warn request:3b1f… timeout` in the filter box.
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

const ORDER: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

export interface LogFilter {
  text?: string;
  minLevel?: LogLevel;
  requestId?: string;
}

export function parseLogFilter(input: string): LogFilter {
  const filter: LogFilter = {};
  const words: string[] = [];
  for (const word of input.trim().split(/\s+/).filter(Boolean)) {
    const [key, value] = word.split(':', 2);
    if (value && key.toLowerCase() === 'level') {
      const level = normaliseLevel(value);
      if (level) filter.minLevel = level;
      else words.push(word);
    } else if (value && key.toLowerCase() === 'request') {
      filter.requestId = value.toLowerCase();
    } else {
      words.push(word);
    }
  }
  if (words.length) filter.text = words.join(' ').toLowerCase();
  return filter;
}

export function describeLogFilter(filter: LogFilter): string {
  const parts = [
    filter.minLevel ? `level ≥ ${filter.minLevel}` : undefined,
    filter.requestId ? `request ${filter.requestId}` : undefined,
    filter.text ? `"${filter.text}"` : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'everything';
}

/** The level a Lambda log line carries: Node's tab field, Python's [LEVEL], or JSON "level". */
export function levelOf(message: string): LogLevel | undefined {
  const tabbed = /\t(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\t/.exec(message);
  if (tabbed) return normaliseLevel(tabbed[1]);
  const bracketed = /^\[(TRACE|DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)\]/.exec(message);
  if (bracketed) return normaliseLevel(bracketed[1]);
  const json = /"(?:level|levelname|severity)"\s*:\s*"(\w+)"/i.exec(message);
  if (json) return normaliseLevel(json[1]);
  if (
    /Task timed out after|Runtime exited with error|Status: (?:error|timeout)/.test(message) ||
    /"type":"platform\.(?:initReport|report)".*"status":"(?:error|timeout|failure)"/.test(message)
  )
    return 'ERROR';
  return undefined;
}

export function matchesLogFilter(message: string, filter: LogFilter): boolean {
  if (filter.requestId && !message.toLowerCase().includes(filter.requestId)) return false;
  if (filter.text && !message.toLowerCase().includes(filter.text)) return false;
  if (filter.minLevel) {
    const level = levelOf(message);
    if (!level || ORDER.indexOf(level) < ORDER.indexOf(filter.minLevel)) return false;
  }
  return true;
}

function normaliseLevel(text: string): LogLevel | undefined {
  const upper = text.toUpperCase();
  if (upper === 'WARNING') return 'WARN';
  if (upper === 'FATAL' || upper === 'CRITICAL') return 'ERROR';
  return (ORDER as string[]).includes(upper) ? (upper as LogLevel) : undefined;
}
