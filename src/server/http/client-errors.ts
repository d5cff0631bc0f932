import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EnvelopeKind, ErrorCode } from '../../shared/contract/index';
import { statusOf } from '../../shared/contract/index';
import { errorEnvelope } from '../../shared/contract/envelope';

/** How long a refused connection may keep sending (and we keep discarding) before it is cut. */
const DRAIN_MS = 2_000;
const answered = new WeakSet<Duplex>();

type ParserError = Error & { code?: string; rawPacket?: unknown };

/** The request line at the start of what the parser saw, when it is there: `GET /api/v1/x...`. */
function requestLineStart(raw: unknown): { path: string; complete: boolean } | undefined {
  if (!Buffer.isBuffer(raw)) return undefined;
  const head = raw.subarray(0, 4096).toString('latin1');
  const match = /^[A-Z]{3,10} (\/[^\s]*)/.exec(head);
  if (!match) return undefined;
  return { path: match[1] as string, complete: raw.indexOf('\r\n') !== -1 || raw.indexOf('\n') !== -1 };
}

/** What Node's HTTP parser refused, as a status, an error code of the contract and a sentence. */
export function describeClientError(error: ParserError): { code: ErrorCode; message: string; path: string | undefined } {
  const line = requestLineStart(error.rawPacket);
  const path = line?.path;
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    // The request line counts against the same 16 KiB limit as the headers: no line end yet means the URL is the culprit.
    if (line && !line.complete) {
      return { code: 'URI_TOO_LONG', message: 'The URL is too long (over 16 KiB): send large inputs in a JSON body instead', path };
    }
    return { code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large (over 16 KiB in all): send fewer or shorter headers', path };
  }
  if (error.code === 'HPE_URI_TOO_LONG') return { code: 'URI_TOO_LONG', message: 'The URL is too long: send large inputs in a JSON body instead', path };
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { code: 'REQUEST_TIMEOUT', message: 'The request took too long to arrive', path };
  return { code: 'VALIDATION_FAILED', message: `The request is not valid HTTP/1.1 (${error.code ?? error.message})`, path };
}

/**
 * Fastify's clientErrorHandler: a request Node's HTTP parser refused gets a JSON error envelope (of the family its
 * path belongs to, when the path could be read) with `Connection: close`. The socket is ended, not destroyed, and what
 * the client still sends is read and dropped for a moment: closing a socket with unread bytes makes the kernel send a
 * reset, and the client would see ECONNRESET instead of the answer.
 */
export function clientErrorResponse(error: ParserError, socket: Duplex, envelopeForPath: (path: string) => EnvelopeKind): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  const { code, message, path } = describeClientError(error);
  const status = statusOf(code);
  const body = JSON.stringify(errorEnvelope(path ? envelopeForPath(path) : 'forex-echo', code, message));
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
  ].join('\r\n');
  socket.on('error', () => undefined);
  if (socket.writable) socket.end(`${head}\r\n\r\n${body}`);
  const cut = setTimeout(() => socket.destroy(), DRAIN_MS);
  cut.unref();
  socket.once('close', () => clearTimeout(cut));
  socket.on('data', () => undefined);
  socket.resume();
}
