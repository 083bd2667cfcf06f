// The pixel width and height of a PNG data: URL (the preview API's "preview"), read from its header alone: the
// IHDR chunk's first fields are bytes 16-23, inside the first 32 base64 characters. An <img> given them before its
// pixels has its final box at once, so nothing below it moves when the picture arrives.
export function pngSize(dataUrl) {
  const start = dataUrl.indexOf(",") + 1;
  const head = atob(dataUrl.slice(start, start + 32));
  const word = (at) => [0, 1, 2, 3].reduce((n, i) => n * 256 + head.charCodeAt(at + i), 0);
  return { width: word(16), height: word(20) };
}
