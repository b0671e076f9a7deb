/**
 * The one rule for a TMDB API Read Access Token, wherever one arrives (the extractor's environment,
 * its Secrets Manager secret, the stack's config, the local stack's environment): it is sent as
 * `Authorization: Bearer <token>`, so it must be an OAuth 2.0 bearer token (RFC 6750, section 2.1,
 * `b64token`): letters, digits and `-._~+/`, then optional `=` padding. TMDB's tokens are JWTs
 * (base64url segments joined by dots). Node's `Headers` throws on a line break, quoting the whole
 * header value, token included; a space or another control or non-ASCII character would reach TMDB
 * inside a token it cannot recognise. The problem names the first offending character by its kind
 * and its position, never the token or the character itself.
 */

const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

const HINT =
  "a TMDB API Read Access Token is one line of letters, digits and - . _ ~ + / (an RFC 6750 bearer token)";

/**
 * Why `token` (surrounding whitespace aside: callers drop it) cannot be sent as TMDB's Bearer token,
 * or undefined when it can.
 */
export function tmdbTokenProblem(token: string): string | undefined {
  const sent = token.trim();
  if (sent === "") return "must not be empty";
  if (BEARER_TOKEN.test(sent)) return undefined;
  let padding = false;
  for (const [index, char] of [...sent].entries()) {
    const problem = characterProblem(char, padding);
    if (problem !== undefined) return `contains ${problem} (character ${index + 1}); ${HINT}`;
    padding ||= char === "=";
  }
  return `is only "=" padding, no token; ${HINT}`;
}

/** What is wrong with one character of a bearer token, or undefined when the character is allowed there. */
function characterProblem(char: string, padding: boolean): string | undefined {
  const code = char.codePointAt(0) ?? 0;
  if (char === "\n" || char === "\r") return "a line break";
  if (char === " " || char === "\t") return "whitespace";
  if (code < 0x20 || code === 0x7f) return "a control character";
  if (code > 0x7e) return "a non-ASCII character";
  if (char === "=") return undefined;
  if (padding) return 'a character after "=" padding';
  return /[A-Za-z0-9\-._~+/]/.test(char) ? undefined : "a character a bearer token cannot hold";
}
