/**
 * A `.env` parser with the usual dotenv rules: `KEY=value`, optional `export `, `#` comments (after
 * whitespace when unquoted), 'single' (literal) and "double" quotes (with \n \t \" \\ escapes; may span
 * lines, handy for inline JSON). No variable interpolation.
 */

export interface DotenvResult {
  vars: Record<string, string>;
  /** Lines that could not be parsed (1-based line numbers). */
  errors: Array<{ line: number; message: string }>;
}

const KEY_RE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s?(.*)$/;

/** Parses the text of a .env file. */
export function parseDotenv(text: string): DotenvResult {
  const vars: Record<string, string> = {};
  const errors: DotenvResult["errors"] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    const m = KEY_RE.exec(line);
    if (!m) {
      errors.push({ line: i + 1, message: "expected KEY=value" });
      continue;
    }
    const key = m[1]!;
    let rest = m[2]!.trimStart();
    const q = rest[0];
    if (q === '"' || q === "'") {
      // Quoted: may continue over following lines until the closing quote.
      let body = rest.slice(1);
      let end = findClosing(body, q);
      const startLine = i;
      while (end === -1 && i + 1 < lines.length) {
        body += "\n" + lines[++i];
        end = findClosing(body, q);
      }
      if (end === -1) {
        errors.push({ line: startLine + 1, message: `unterminated ${q === '"' ? "double" : "single"} quote` });
        continue;
      }
      const inner = body.slice(0, end);
      vars[key] = q === '"' ? unescape(inner) : inner;
      continue;
    }
    const hash = rest.search(/\s#/);
    if (hash !== -1) rest = rest.slice(0, hash);
    vars[key] = rest.trim();
  }
  return { vars, errors };
}

function findClosing(s: string, q: string): number {
  for (let i = 0; i < s.length; i++) {
    if (q === '"' && s[i] === "\\") {
      i++;
      continue;
    }
    if (s[i] === q) return i;
  }
  return -1;
}

function unescape(s: string): string {
  return s.replace(/\\([nrt"\\$])/g, (_, c: string) => ({ n: "\n", r: "\r", t: "\t" })[c as "n"] ?? c);
}
