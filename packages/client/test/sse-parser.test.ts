// The SSE parser against the standard's rules (fields, comments, multi-line data, id, retry, line ends,
// BOM), and the same messages whatever the chunk boundaries (seeded fast-check splitting).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SseMessage, SseParser } from '../src/sse-parser.js';

function parse(chunks: readonly string[]): { messages: SseMessage[]; retries: number[]; comments: string[] } {
  const messages: SseMessage[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  const parser = new SseParser({
    onMessage: (m) => messages.push(m),
    onRetry: (ms) => retries.push(ms),
    onComment: (text) => comments.push(text),
  });
  for (const chunk of chunks) parser.feed(chunk);
  return { messages, retries, comments };
}

describe('SseParser', () => {
  it('dispatches a message per blank line with its event, data and id', () => {
    const { messages } = parse(['id: 7\nevent: alloc\ndata: {"seq":7}\n\n']);
    expect(messages).toEqual([{ event: 'alloc', data: '{"seq":7}', id: '7' }]);
  });

  it('joins several data lines with a line feed and defaults the event to message', () => {
    expect(parse(['data: a\ndata:b\ndata:  c\n\n']).messages).toEqual([
      { event: 'message', data: 'a\nb\n c', id: '' },
    ]);
  });

  it('treats CR, LF and CRLF alike as line ends', () => {
    const expected = [
      { event: 'x', data: '1', id: '1' },
      { event: 'y', data: '2', id: '2' },
    ];
    for (const end of ['\n', '\r', '\r\n']) {
      const text = ['id: 1', 'event: x', 'data: 1', '', 'id: 2', 'event: y', 'data: 2', '', ''].join(end);
      expect(parse([text]).messages, JSON.stringify(end)).toEqual(expected);
    }
  });

  it('strips one leading byte order mark, and only at the start of the stream', () => {
    expect(parse(['\uFEFFdata: a\n\n']).messages).toEqual([{ event: 'message', data: 'a', id: '' }]);
    // A later BOM is part of a field name, so the line is an unknown field and ignored.
    expect(parse(['data: a\n\n', '\uFEFFdata: b\n\n']).messages).toEqual([
      { event: 'message', data: 'a', id: '' },
    ]);
  });

  it('reports comments and valid retry values, ignores unknown fields and bad retry values', () => {
    const { messages, retries, comments } = parse([
      ': keep-alive\nretry: 1500\nretry: 1.5\nretry: soon\nfoo: bar\ndata: x\n\n',
    ]);
    expect(comments).toEqual([' keep-alive']);
    expect(retries).toEqual([1500]);
    expect(messages).toEqual([{ event: 'message', data: 'x', id: '' }]);
  });

  it('keeps the last id across messages, ignores an id holding NUL, and clears it with an empty id', () => {
    const { messages } = parse(['id: 5\ndata: a\n\ndata: b\n\nid: 6\u00007\ndata: c\n\nid\ndata: d\n\n']);
    expect(messages.map((m) => m.id)).toEqual(['5', '5', '5', '']);
  });

  it('does not dispatch a message without data, nor one the stream ends before its blank line', () => {
    const { messages } = parse(['event: alloc\nid: 3\n\n', 'data: cut short\n']);
    expect(messages).toEqual([]);
    // An empty data field is data: the message is dispatched with an empty string.
    expect(parse(['data\n\n']).messages).toEqual([{ event: 'message', data: '', id: '' }]);
  });

  it('a field without a colon has an empty value, and only one space after the colon is stripped', () => {
    expect(parse(['event\ndata:   two spaces\n\n']).messages).toEqual([
      { event: 'message', data: '  two spaces', id: '' },
    ]);
  });

  it('yields the same messages however the text is cut into chunks (seeded fast-check)', () => {
    const seed = 20261202;
    console.log(`sse-parser chunking property: fast-check seed ${seed}`);
    const line = fc.constantFrom('\n', '\r', '\r\n');
    const value = fc.string({ unit: fc.constantFrom('a', 'b', ':', ' ', 'é', '{', '}', '0') });
    const message = fc.record({
      id: fc.option(fc.nat(), { nil: undefined }),
      event: fc.option(fc.constantFrom('alloc', 'free', 'reset'), { nil: undefined }),
      data: fc.array(value, { minLength: 1, maxLength: 3 }),
      comment: fc.boolean(),
      end: line,
    });
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(message, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (bom, list, cuts) => {
          let text = bom ? '\uFEFF' : '';
          for (const m of list) {
            const lines: string[] = [];
            if (m.comment) lines.push(': ping');
            if (m.id !== undefined) lines.push(`id: ${m.id}`);
            if (m.event !== undefined) lines.push(`event: ${m.event}`);
            for (const d of m.data) lines.push(`data: ${d}`);
            text += lines.map((l) => l + m.end).join('') + m.end;
          }
          const whole = parse([text]).messages;
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks: string[] = [];
          let from = 0;
          for (const p of points) {
            chunks.push(text.slice(from, p));
            from = p;
          }
          chunks.push(text.slice(from));
          expect(parse(chunks).messages).toEqual(whole);
          // And one character at a time.
          expect(parse([...text]).messages).toEqual(whole);
          expect(whole.map((m) => m.data)).toEqual(list.map((m) => m.data.join('\n')));
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});
