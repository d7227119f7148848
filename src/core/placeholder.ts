/**
 * A login that is still an example's placeholder (`you@example.com`,
 * `replace-with-your-SecretKey`, AWS's documented `AKIAIOSFODNN7EXAMPLE`, all
 * zeros): the examples and the Getting started tab ship such logins so that
 * their dry runs deploy. Going live with one only earns refusals (and, at
 * some providers, a lockout), so the updater says so instead of sending.
 */
const PLACEHOLDERS: readonly RegExp[] = [
  /replace[-_ ]?with/i,
  /^your[-_ ]?(password|token|key|secret|api)/i,
  /^you@example\.(com|org|net)$/i,
  /EXAMPLE(KEY)?$/,
  /^0{8,}$/,
  /^(changeme|change-me|xxxx+)$/i,
];

/** Whether any of the login's values is a placeholder; it never says which (they may be secrets). */
export function isPlaceholderLogin(values: ReadonlyArray<string | undefined>): boolean {
  return values.some((v) => typeof v === 'string' && PLACEHOLDERS.some((p) => p.test(v.trim())));
}
