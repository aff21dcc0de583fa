/** SHA-256 of release files and the `SHA256SUMS` manifest (the `sha256sum -c` format). */
import { basename, join } from "node:path";

/** Hex SHA-256 of a file, streamed (the binaries are ~100 MB). */
export async function sha256File(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(path).stream()) hasher.update(chunk);
  return hasher.digest("hex");
}

/** Writes `<dir>/SHA256SUMS` for `files` (sorted by name, `<hash>  <name>` lines); returns the entries. */
export async function writeSha256Sums(dir: string, files: string[]): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  for (const f of [...files].sort((a, b) => basename(a).localeCompare(basename(b)))) {
    entries.set(basename(f), await sha256File(f));
  }
  const text = [...entries].map(([name, hash]) => `${hash}  ${name}\n`).join("");
  await Bun.write(join(dir, "SHA256SUMS"), text);
  return entries;
}

/** Parses a `SHA256SUMS` file into name → hash. */
export function parseSha256Sums(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}
