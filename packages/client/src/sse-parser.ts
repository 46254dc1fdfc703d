// An incremental parser of the Server-Sent Events text format (the WHATWG "event stream interpretation"):
// fields, comments, multi-line data, id, event, retry, CR / LF / CRLF line ends, a leading BOM.

/** One dispatched message. */
export interface SseMessage {
  /** The `event:` field, `'message'` when none was given. */
  readonly event: string;
  /** The `data:` lines joined with `\n`. */
  readonly data: string;
  /** The last event ID seen on the stream so far (`id:` persists across messages; `''` when none). */
  readonly id: string;
}

/** What the parser reports. */
export interface SseHandlers {
  readonly onMessage: (message: SseMessage) => void;
  /** A `retry:` field with a valid number of milliseconds. */
  readonly onRetry?: (ms: number) => void;
  /** A comment line (`: text`), without the colon. */
  readonly onComment?: (text: string) => void;
}

const DIGITS = /^[0-9]+$/;

/**
 * Feed it the decoded text of one connection in chunks of any size (a chunk may end anywhere, even
 * between the CR and LF of a CRLF); it calls `onMessage` once per complete message. Per the standard: a
 * message without data is not dispatched, a message not ended by a blank line when the stream ends is
 * dropped, an `id` holding NUL is ignored, unknown fields are ignored, and one space after the colon is
 * stripped. Use one parser per connection.
 */
export class SseParser {
  readonly #handlers: SseHandlers;
  #partial = '';
  #afterCr = false;
  #started = false;
  #data = '';
  #hasData = false;
  #event = '';
  #id = '';

  constructor(handlers: SseHandlers) {
    this.#handlers = handlers;
  }

  /** The last event ID the stream set (what `Last-Event-ID` resumes after). */
  get lastEventId(): string {
    return this.#id;
  }

  /** Parses the next piece of text. */
  feed(chunk: string): void {
    if (chunk === '') return;
    let pos = 0;
    if (!this.#started) {
      this.#started = true;
      if (chunk.charCodeAt(0) === 0xfeff) pos = 1;
    }
    if (this.#afterCr) {
      this.#afterCr = false;
      if (chunk.charCodeAt(pos) === 10) pos++;
    }
    let cr = chunk.indexOf('\r', pos);
    let lf = chunk.indexOf('\n', pos);
    while (pos < chunk.length) {
      if (cr !== -1 && cr < pos) cr = chunk.indexOf('\r', pos);
      if (lf !== -1 && lf < pos) lf = chunk.indexOf('\n', pos);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) {
        this.#partial += chunk.slice(pos);
        return;
      }
      const line = this.#partial + chunk.slice(pos, end);
      this.#partial = '';
      pos = end + 1;
      if (end === cr) {
        if (pos === chunk.length) this.#afterCr = true;
        else if (chunk.charCodeAt(pos) === 10) pos++;
      }
      this.#line(line);
    }
  }

  #line(line: string): void {
    if (line === '') {
      this.#dispatch();
      return;
    }
    const colon = line.indexOf(':');
    if (colon === 0) {
      this.#handlers.onComment?.(line.slice(1));
      return;
    }
    let field = line;
    let value = '';
    if (colon > 0) {
      field = line.slice(0, colon);
      value = line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1);
    }
    switch (field) {
      case 'event':
        this.#event = value;
        break;
      case 'data':
        this.#data = this.#hasData ? `${this.#data}\n${value}` : value;
        this.#hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.#id = value;
        break;
      case 'retry':
        if (DIGITS.test(value)) this.#handlers.onRetry?.(Number(value));
        break;
      default:
        break;
    }
  }

  #dispatch(): void {
    const hasData = this.#hasData;
    const message: SseMessage = {
      event: this.#event === '' ? 'message' : this.#event,
      data: this.#data,
      id: this.#id,
    };
    this.#data = '';
    this.#hasData = false;
    this.#event = '';
    if (hasData) this.#handlers.onMessage(message);
  }
}
