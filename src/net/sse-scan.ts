/**
 * An SSE reader for the hot path: the same events as SSEDecoder (WHATWG event-stream rules, CR/LF/CRLF line
 * ends, comments, multi-line data, a last event without a blank line delivered at the end), but it keeps
 * the stream's text in one buffer (two while an event that straddled reads is handed out: see #append) and
 * hands each event's data out as a range of that buffer, so the usual event (an optional `event:` line and
 * one `data:` line) costs no line strings, no message object and no array: the consumer reads the payload
 * in place and cuts out only what it keeps. Unusual events (comments, several data lines, `id:`…) take a
 * line-by-line path with the same result.
 *
 * Line ends are normalised to LF as the text arrives (a CR ending one chunk and a LF starting the next are
 * one line end), so events are simply the text between blank lines.
 */

/** Receives one event's data: `s.slice(start, end)` (the string may be the whole buffer: read, don't keep). */
export type DataHandler = (s: string, start: number, end: number) => void;

export class SSEScanner {
  readonly #decoder = new TextDecoder("utf-8");
  #buf = "";
  /** Start of the first event not delivered yet. */
  #pos = 0;
  /** Where the search for the next blank line resumes (the text before it holds none). */
  #scanFrom = 0;
  /** The last chunk ended in CR: a LF at the start of the next one belongs to it. */
  #skipLF = false;
  #ended = false;
  /**
   * The text that completed an event carried over from the previous chunk, to scan once `#buf` (that event)
   * is consumed, from `#restFrom` on (see #append).
   */
  #rest: string | undefined;
  #restFrom = 0;

  /** Feeds bytes (split anywhere, even inside a UTF-8 character). */
  push(bytes: Uint8Array): void {
    this.#append(this.#decoder.decode(bytes, { stream: true }));
  }

  /** No more bytes: the decoder is flushed and a last event without a blank line becomes complete. */
  end(): void {
    this.#append(this.#decoder.decode());
    this.#ended = true;
  }

  /**
   * Consumes the next complete event, handing its data (if it has any `data` field) to `onData`. Returns
   * false when no complete event is buffered (nothing was consumed); true otherwise, even for an event
   * without data (comments only), so callers loop until it returns false or they got what they wanted.
   */
  next(onData: DataHandler): boolean {
    let s = this.#buf;
    let p = this.#pos;
    for (;;) {
      while (s.charCodeAt(p) === 10) p++; // empty lines between events dispatch nothing
      if (p < s.length) break;
      if (this.#rest === undefined) {
        this.#pos = p;
        return false;
      }
      // The carried-over event is consumed: go on in the chunk that completed it.
      this.#buf = s = this.#rest;
      this.#scanFrom = p = this.#restFrom;
      this.#rest = undefined;
    }
    // The usual shape, complete: [`event: …` LF] `data: …` LF LF. The data line is scanned once, for its LF.
    let d = dataAt(s, p, s.length);
    if (d !== -1) {
      const lf = s.indexOf("\n", d);
      if (lf !== -1 && s.charCodeAt(lf + 1) === 10) {
        this.#pos = this.#scanFrom = lf + 2;
        onData(s, d, lf);
        return true;
      }
    }
    let end = s.indexOf("\n\n", Math.max(p, this.#scanFrom));
    let after: number;
    if (end === -1) {
      if (!this.#ended) {
        this.#pos = p;
        this.#scanFrom = s.length - 1; // a "\n\n" may straddle the next chunk
        return false;
      }
      end = after = s.length;
    } else {
      after = end + 2;
    }
    this.#pos = after;
    this.#scanFrom = after;
    // The usual shape, without the blank line (the last event at the end of the stream).
    d = dataAt(s, p, end);
    if (d !== -1) {
      const lf = s.indexOf("\n", d);
      if (lf === -1 || lf >= end) {
        onData(s, d, end);
        return true;
      }
    }
    const data = dataOf(s.slice(p, end));
    if (data !== undefined) onData(data, 0, data.length);
    return true;
  }

  #append(text: string): void {
    if (text === "") return;
    if (this.#skipLF) {
      this.#skipLF = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    if (text.includes("\r")) {
      this.#skipLF = text.charCodeAt(text.length - 1) === 13;
      text = text.replace(/\r\n?/g, "\n");
    }
    if (this.#rest !== undefined) {
      // Bytes pushed before the last chunk was scanned through (the stream reader never does this).
      this.#buf = this.#buf.slice(this.#pos) + this.#rest.slice(this.#restFrom);
      this.#pos = this.#scanFrom = 0;
      this.#rest = undefined;
    }
    const p = this.#pos;
    const buf = this.#buf;
    if (p >= buf.length) {
      this.#buf = text;
      this.#scanFrom = 0;
      this.#pos = 0;
      return;
    }
    // An event started in the previous chunk (`carry`): instead of joining it with the whole new chunk, which
    // copies the chunk (a large read after a small one is common: ~110 kB per 1,000-delta answer), only the
    // piece of the chunk that completes it is joined; the rest of the chunk is scanned in place afterwards.
    const carry = p === 0 ? buf : buf.slice(p);
    const end = carry.endsWith("\n\n") ? 0 : carry.endsWith("\n") && text.charCodeAt(0) === 10 ? 1 : blankLineEnd(text);
    if (end !== -1 && end < text.length) {
      this.#buf = end === 0 ? carry : carry + text.slice(0, end);
      this.#rest = text;
      this.#restFrom = end;
      this.#scanFrom = 0;
    } else {
      // The chunk does not complete the event (or ends with it): one buffer.
      this.#buf = carry + text;
      this.#scanFrom = Math.max(0, this.#scanFrom - p);
    }
    this.#pos = 0;
  }
}

/**
 * Where the payload of the usual event shape starting at `p` begins: after `data: `, itself after an optional
 * `event:` line that ends before `end`; -1 for any other shape.
 */
function dataAt(s: string, p: number, end: number): number {
  let q = p;
  if (s.startsWith("event:", q)) {
    const lf = s.indexOf("\n", q);
    if (lf === -1 || lf >= end) return -1;
    q = lf + 1;
  }
  return s.startsWith("data: ", q) ? q + 6 : -1;
}

/** Where the first blank line of `text` ends (after its "\n\n"), or -1. */
function blankLineEnd(text: string): number {
  const i = text.indexOf("\n\n");
  return i === -1 ? -1 : i + 2;
}

/** The data of one event's lines (LF-separated, no blank line inside), per the event-stream field rules. */
function dataOf(block: string): string | undefined {
  let data: string | undefined;
  for (const line of block.split("\n")) {
    if (line === "" || line.charCodeAt(0) === 58 /* ":" */) continue; // (trailing) empty line, comment
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== "data") continue; // event, id, retry and unknown fields carry no data
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data;
}
