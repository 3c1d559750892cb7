// jpeg-js's decoder alone (its package entry also loads the encoder, which the CLI does not need).
declare module 'jpeg-js/lib/decoder.js' {
  export default function decode(jpegData: Uint8Array, options: {
    useTArray: true; formatAsRGBA?: boolean; tolerantDecoding?: boolean; maxResolutionInMP?: number; maxMemoryUsageInMB?: number;
  }): { width: number; height: number; data: Uint8Array };
}
