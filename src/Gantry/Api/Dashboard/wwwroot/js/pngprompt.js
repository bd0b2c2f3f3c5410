// Reads the API-format prompt a ComfyUI-saved PNG carries in a text chunk keyed "prompt" (tEXt, zTXt or iTXt),
// without decoding the image. Everything is bounded: the file, the number of chunks walked, the text inflated.
export const MAX_PNG_BYTES = 64 * 1024 * 1024;
export const MAX_TEXT_BYTES = 8 * 1024 * 1024;
const MAX_CHUNKS = 100000;
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export class PngError extends Error {}

export function isPng(bytes) {
  return bytes.length >= SIGNATURE.length && SIGNATURE.every((b, i) => bytes[i] === b);
}

// The text of the first "prompt" chunk, or null when the PNG has none. Throws PngError when the file is malformed.
export async function readPromptText(bytes) {
  if (bytes.length > MAX_PNG_BYTES) throw new PngError(`The PNG is larger than ${MAX_PNG_BYTES / 1048576} MB.`);
  if (!isPng(bytes)) throw new PngError('The file is not a PNG (bad signature).');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = SIGNATURE.length;
  for (let count = 0; at < bytes.length; count++) {
    if (count >= MAX_CHUNKS) throw new PngError('The PNG has too many chunks.');
    if (bytes.length - at < 12) throw new PngError(`The PNG is truncated inside a chunk header at byte ${at}.`);
    const length = view.getUint32(at);
    if (length > bytes.length - at - 12) throw new PngError(`A PNG chunk at byte ${at} claims more bytes than the file holds.`);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    at += 12 + length;
    if (type === 'IEND') break;
    if (type !== 'tEXt' && type !== 'zTXt' && type !== 'iTXt') continue;
    const text = await chunkText(type, data);
    if (text && text.keyword === 'prompt') return text.value;
  }
  return null;
}

async function chunkText(type, data) {
  const nul = data.indexOf(0);
  if (nul < 1 || nul > 79) return null; // keywords are 1-79 bytes; anything else is not a text chunk we read
  const keyword = latin1(data.subarray(0, nul));
  if (keyword !== 'prompt') return { keyword };
  if (type === 'tEXt') return { keyword, value: bounded(latin1(data.subarray(nul + 1)), data.length) };
  if (type === 'zTXt') {
    if (data[nul + 1] !== 0) throw new PngError('The prompt chunk uses an unknown compression method.');
    return { keyword, value: latin1(await inflate(data.subarray(nul + 2))) };
  }
  // iTXt: keyword NUL, compression flag, method, language NUL, translated keyword NUL, UTF-8 text.
  const compressed = data[nul + 1];
  const language = data.indexOf(0, nul + 3);
  const translated = language < 0 ? -1 : data.indexOf(0, language + 1);
  if (translated < 0) throw new PngError('The prompt chunk (iTXt) is malformed.');
  const rest = data.subarray(translated + 1);
  const utf8 = compressed === 1 ? await inflate(rest) : rest;
  return { keyword, value: new TextDecoder('utf-8', { fatal: true }).decode(utf8) };
}

function bounded(text, size) {
  if (size > MAX_TEXT_BYTES) throw new PngError('The prompt in the PNG is too large.');
  return text;
}

function latin1(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return text;
}

// zlib inflate through the browser's DecompressionStream, stopped once the output passes MAX_TEXT_BYTES.
async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
  const reader = stream.getReader();
  const parts = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_TEXT_BYTES) { reader.cancel().catch(() => {}); throw new PngError('The prompt in the PNG is too large.'); }
      parts.push(value);
    }
  } catch (error) {
    if (error instanceof PngError) throw error;
    throw new PngError('The prompt chunk could not be decompressed.');
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) { out.set(part, offset); offset += part.length; }
  return out;
}
