/**
 * Growable bytes for text written a character at a time and read back once (a tensor's repr, a
 * figure's SVG). The same code runs in the server and in the playground's browser bundle, so Node's
 * Buffer is used only where it exists (its latin1 copies are the fast path); browsers get a plain
 * Uint8Array and TextDecoder. Only ASCII is ever written, which every one-byte decoding reads alike.
 */
/** The part of Node's Buffer used here. */
interface NodeBytes {
  write(text: string, offset: number, encoding: 'latin1'): number;
  toString(encoding: 'latin1', start: number, end: number): string;
}

interface NodeBufferClass {
  allocUnsafe(size: number): Uint8Array;
}

const NodeBuffer = (globalThis as unknown as { Buffer?: NodeBufferClass }).Buffer;
const browserDecoder = NodeBuffer === undefined ? new TextDecoder('latin1') : null;

/** `size` bytes of unspecified contents. */
export function allocateBytes(size: number): Uint8Array {
  return NodeBuffer === undefined ? new Uint8Array(size) : NodeBuffer.allocUnsafe(size);
}

/** `bytes` grown to at least `size`, keeping the first `used` bytes. */
export function grownBytes(bytes: Uint8Array, used: number, size: number): Uint8Array {
  const grown = allocateBytes(Math.max(bytes.length * 2, size));
  grown.set(bytes.subarray(0, used));
  return grown;
}

/** Writes ASCII `text` at `at` (the room must be there); returns the characters written. */
export function writeAscii(bytes: Uint8Array, text: string, at: number): number {
  if (NodeBuffer !== undefined) return (bytes as unknown as NodeBytes).write(text, at, 'latin1');
  for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i);
  return text.length;
}

/** The text of bytes[start, end). */
export function asciiText(bytes: Uint8Array, start: number, end: number): string {
  if (browserDecoder !== null) return browserDecoder.decode(bytes.subarray(start, end));
  return (bytes as unknown as NodeBytes).toString('latin1', start, end);
}
