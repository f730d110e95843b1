import picomatch from 'picomatch';

// File names that usually hold credentials; matched against the base name only.
const SECRET_NAMES = picomatch(
  [
    '.env',
    '.env.*',
    '*.pem',
    '*.key',
    '*.p12',
    '*.pfx',
    'id_rsa*',
    'id_dsa*',
    'id_ecdsa*',
    'id_ed25519*',
    'credentials',
    'credentials.json',
    '.npmrc',
  ],
  { dot: true },
);
// Templates that only name the variables, and public halves of key pairs.
const NOT_SECRET = picomatch(['.env.example', '.env.sample', '.env.template', '*.pub'], {
  dot: true,
});

export function isLikelySecret(fileName: string): boolean {
  return SECRET_NAMES(fileName) && !NOT_SECRET(fileName);
}

/**
 * Include patterns that name files on purpose: their last segment is more than a wildcard
 * (`.env.production`, `certs/*.pem`), unlike `**` or `src/*`. A secret matched by one of these
 * is shipped without a warning.
 */
export function explicitIncludeMatcher(include: string[]): (rel: string) => boolean {
  const explicit = include.filter((pattern) => {
    const last = pattern.split('/').pop() ?? '';
    return /[^*?]/.test(last.replace(/\*\.\*/g, '*'));
  });
  return explicit.length ? picomatch(explicit, { dot: true }) : () => false;
}
