// Lambda's managed runtimes, from the AWS "Lambda runtimes" page (supported and deprecated
// tables). Dates are when each phase starts; a runtime past `blockUpdate` can no longer be
// deployed at all, so the checker treats it as an error rather than a warning.

export type RuntimeFamily = 'nodejs' | 'python' | 'java' | 'dotnet' | 'ruby' | 'provided';

export interface RuntimeInfo {
  id: string;
  family: RuntimeFamily;
  /** Human name, e.g. "Node.js 22". */
  label?: string;
  /** ISO date support ended (or ends): no more patches, technical support stops. */
  deprecated?: string;
  /** ISO date from which Lambda refuses to create functions with this runtime. */
  blockCreate?: string;
  /** ISO date from which Lambda refuses to update functions with this runtime. */
  blockUpdate?: string;
  /** The runtime to move to. */
  successor?: string;
}

const NODE = 'nodejs24.x';
const PYTHON = 'python3.14';
const JAVA = 'java25';
const DOTNET = 'dotnet10';
const RUBY = 'ruby3.4';
const PROVIDED = 'provided.al2023';

function rt(
  id: string,
  family: RuntimeFamily,
  label: string,
  dates?: [deprecated: string, blockCreate: string, blockUpdate: string],
  successor?: string,
): RuntimeInfo {
  const info: RuntimeInfo = { id, family, label };
  if (dates) [info.deprecated, info.blockCreate, info.blockUpdate] = dates;
  if (successor) info.successor = successor;
  return info;
}

/** Newest first within each family, so the first match of a family is its current runtime. */
export const RUNTIMES: readonly RuntimeInfo[] = Object.freeze([
  rt('nodejs24.x', 'nodejs', 'Node.js 24', ['2028-04-30', '2028-06-01', '2028-07-01'], undefined),
  rt('nodejs22.x', 'nodejs', 'Node.js 22', ['2027-04-30', '2027-06-01', '2027-07-01'], NODE),
  rt('nodejs20.x', 'nodejs', 'Node.js 20', ['2026-04-30', '2026-08-31', '2026-09-30'], NODE),
  rt('nodejs18.x', 'nodejs', 'Node.js 18', ['2025-09-01', '2026-03-03', '2026-04-30'], NODE),
  rt('nodejs16.x', 'nodejs', 'Node.js 16', ['2024-06-12', '2025-10-01', '2025-11-01'], NODE),
  rt('nodejs14.x', 'nodejs', 'Node.js 14', ['2023-12-04', '2024-01-09', '2024-02-08'], NODE),
  rt('nodejs12.x', 'nodejs', 'Node.js 12', ['2023-03-31', '2023-03-31', '2023-04-30'], NODE),
  rt('nodejs10.x', 'nodejs', 'Node.js 10', ['2021-07-30', '2021-07-30', '2022-02-14'], NODE),
  rt('python3.14', 'python', 'Python 3.14', ['2029-06-30', '2029-07-31', '2029-08-31']),
  rt('python3.13', 'python', 'Python 3.13', ['2029-06-30', '2029-07-31', '2029-08-31'], PYTHON),
  rt('python3.12', 'python', 'Python 3.12', ['2028-10-31', '2028-11-30', '2029-01-10'], PYTHON),
  rt('python3.11', 'python', 'Python 3.11', ['2027-06-30', '2027-07-31', '2027-08-31'], PYTHON),
  rt('python3.10', 'python', 'Python 3.10', ['2026-10-31', '2026-11-30', '2027-01-15'], PYTHON),
  rt('python3.9', 'python', 'Python 3.9', ['2025-12-15', '2026-08-31', '2026-09-30'], PYTHON),
  rt('python3.8', 'python', 'Python 3.8', ['2024-10-14', '2025-10-01', '2025-11-01'], PYTHON),
  rt('python3.7', 'python', 'Python 3.7', ['2023-12-04', '2024-01-09', '2024-02-08'], PYTHON),
  rt('python3.6', 'python', 'Python 3.6', ['2022-07-18', '2022-07-18', '2022-08-29'], PYTHON),
  rt('python2.7', 'python', 'Python 2.7', ['2021-07-15', '2021-07-15', '2022-05-30'], PYTHON),
  rt('java25', 'java', 'Java 25', ['2029-06-30', '2029-07-31', '2029-08-31']),
  rt('java21', 'java', 'Java 21', ['2029-06-30', '2029-07-31', '2029-08-31'], JAVA),
  rt('java17', 'java', 'Java 17', ['2029-06-30', '2029-07-31', '2029-08-31'], JAVA),
  rt('java11', 'java', 'Java 11', ['2027-06-30', '2027-07-31', '2027-08-31'], JAVA),
  rt(
    'java8.al2',
    'java',
    'Java 8 (Amazon Linux 2)',
    ['2027-06-30', '2027-07-31', '2027-08-31'],
    JAVA,
  ),
  rt('java8', 'java', 'Java 8 (Amazon Linux 1)', ['2024-01-08', '2024-02-08', '2024-03-12'], JAVA),
  rt('dotnet10', 'dotnet', '.NET 10', ['2028-11-14', '2028-12-14', '2029-01-15']),
  rt('dotnet8', 'dotnet', '.NET 8', ['2026-11-10', '2026-12-10', '2027-01-11'], DOTNET),
  rt('dotnet7', 'dotnet', '.NET 7', ['2024-05-14', '2024-05-14', '2024-06-13'], DOTNET),
  rt('dotnet6', 'dotnet', '.NET 6', ['2024-12-20', '2025-10-01', '2025-11-01'], DOTNET),
  rt(
    'dotnetcore3.1',
    'dotnet',
    '.NET Core 3.1',
    ['2023-04-03', '2023-04-03', '2023-05-03'],
    DOTNET,
  ),
  rt('ruby3.4', 'ruby', 'Ruby 3.4', ['2028-03-31', '2028-04-30', '2028-05-31']),
  rt('ruby3.3', 'ruby', 'Ruby 3.3', ['2027-03-31', '2027-04-30', '2027-05-31'], RUBY),
  rt('ruby3.2', 'ruby', 'Ruby 3.2', ['2026-03-31', '2026-06-30', '2026-07-31'], RUBY),
  rt('ruby2.7', 'ruby', 'Ruby 2.7', ['2023-12-07', '2024-01-09', '2024-02-08'], RUBY),
  rt('provided.al2023', 'provided', 'OS-only, Amazon Linux 2023', [
    '2029-06-30',
    '2029-07-31',
    '2029-08-31',
  ]),
  rt(
    'provided.al2',
    'provided',
    'OS-only, Amazon Linux 2',
    ['2026-06-30', '2026-07-31', '2026-08-31'],
    PROVIDED,
  ),
  rt(
    'provided',
    'provided',
    'OS-only, Amazon Linux 1',
    ['2024-01-08', '2024-02-08', '2024-03-12'],
    PROVIDED,
  ),
  rt('go1.x', 'provided', 'Go 1.x', ['2024-01-08', '2024-02-08', '2024-03-12'], PROVIDED),
]);

const byId = new Map(RUNTIMES.map((r) => [r.id, r]));

export function findRuntime(id: string): RuntimeInfo | undefined {
  return byId.get(id);
}

export type RuntimeStatus = 'supported' | 'deprecation-soon' | 'deprecated' | 'blocked';

/** How far along its retirement a runtime is on a given day (`today` as YYYY-MM-DD). */
export function runtimeStatus(info: RuntimeInfo, today: string): RuntimeStatus {
  if (info.blockUpdate && today >= info.blockUpdate) return 'blocked';
  if (info.deprecated && today >= info.deprecated) return 'deprecated';
  if (info.deprecated && daysBetween(today, info.deprecated) <= 90) return 'deprecation-soon';
  return 'supported';
}

/** Runtimes a new function may use today, newest first. */
export function currentRuntimes(today: string): RuntimeInfo[] {
  return RUNTIMES.filter((r) => {
    const s = runtimeStatus(r, today);
    return s === 'supported' || s === 'deprecation-soon';
  });
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 86_400_000;
}
