/** A rendered picture as front-ends send it: the PNG bytes, a short description and a file name. */
export interface PngImage {
  png: Buffer;
  /** A short description for screen readers and alt text. */
  alt: string;
  filename: string;
}
