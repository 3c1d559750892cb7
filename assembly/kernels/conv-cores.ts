// The three cores of the convolution kernels (./conv.ts): Conv2d's forward, input gradient and weight gradient over
// groups of images, on tap-major patch rows (./im2col.ts) and gemm-packed.ts's tile; the forward that overwrites y
// as ./conv-direct.ts's indirect product, the weight gradient for few input channels as ./conv-thin-dw.ts's.
// Dims are Conv2d's: x (inC, h, wd), y (outC, Ho, Wo) per image, K = inC·kH·kW, P = Ho·Wo. `scratch` holds
// scratch_floats(P, K, outC, inC·h·wd) floats (conv.ts sizes it for each kernel, the largest of the paths).
import { gemm, activateTile, INIT_ACCUMULATE, INIT_BIAS, INIT_ZERO, EPILOGUE_NONE } from './gemm';
import { transpose } from './dense';
import { im2row_hwc, im2row_hwc_panels, row2im_hwc_add } from './im2col';
import { conv2d_forward_direct } from './conv-direct';
import { directInputGradient, conv2d_input_gradient_direct } from './conv-direct-dx';
import { thinInputGradient, conv2d_input_gradient_thin } from './conv-thin-dx';
import { thinForward, conv2d_forward_thin } from './conv-thin-forward';
import { gemm_packed, gemm_packed_panels } from './gemm-packed';
import { packColumns, packChannels } from './conv-pack';
import { thinWeightGradient, thin_weight_gradient, thin_dw_scratch_floats, thin_dw_rows_floats, rowFloats } from './conv-thin-dw';
import { LANES, VBYTES, vsplat, vload, vstore, vadd } from '~lib/lanes';
import { channelSums4, channelSumsTree } from './conv-sums';

// @ts-ignore: decorator
@inline function outSize(n: i32, k: i32, stride: i32, pad: i32): i32 { return (n + 2 * pad - k) / stride + 1; }


// Images per product: as many as keep one group's patch rows and transposed outputs within GROUP_FLOATS (512 KB, half
// of a core's L2 here), so that gemm's M (pixels) or K (weight gradient) spans several images: Wᵀ's panels serve
// more row blocks per load, and dW is loaded and stored once per group instead of once per image.
const GROUP_FLOATS: i32 = 1 << 17;

/**
 * Row stride for rows of n floats: n, or n + 4 when n is a multiple of 64. Rows 256·2^j bytes apart share a few L1
 * sets, so a 4×2-vector panel read down such rows (K = 512 here: 2 KB) is evicted before its next row block.
 */
// @ts-ignore: decorator
@inline function strideFor(n: i32): i32 { return n % 64 == 0 ? n + 4 : n; }

/** Images per group for P pixels, K patch values and `channels` output channels per image (at least 1). */
// @ts-ignore: decorator
@inline function groupOf(P: i32, K: i32, channels: i32): i32 { return max(1, GROUP_FLOATS / max(1, P * (K + channels))); }

/**
 * Scratch floats of the three cores for these conv dims: a copy of W, transposed or not, with padded rows; then G
 * images' patch rows (padded) and their outputs.
 */
export function scratch_floats(P: i32, K: i32, outC: i32, inputFloats: i32): i32 {
  const G = groupOf(P, K, outC);
  return (K + 4) * (outC + 4) + G * P * strideFor(K) + midFloats(G * P, outC) + inputFloats;
}

/** Floats of the region after the patch rows: outputs (rows × channels), or either operand packed for gemm_packed. */
// @ts-ignore: decorator
@inline function midFloats(rows: i32, channels: i32): i32 { return (rows + 3) * (channels + 3); }

/** Scratch floats of the weight gradient's path for few input channels (./conv-thin-dw.ts): dW's tap-major copy, then its own. */
export function weight_scratch_floats(inC: i32, h: i32, w: i32, outC: i32, kh: i32, kw: i32, s: i32, p: i32): i32 {
  return thin_dw_rows_floats(outC, inC * kh * kw) + thin_dw_scratch_floats(inC, h, w, kh, kw, s, p);
}

/**
 * Whether Conv2d's forward runs as the direct (indirect-product) kernel of ./conv-direct.ts: whenever it overwrites.
 * Measured faster than im2row + gemm_packed at every shape of bench/experiments/conv.mjs (1 input channel ≈ 0.6× the
 * time, 32 ≈ 0.9×), with the same bits; the im2row path remains for accumulating into y.
 */
// @ts-ignore: decorator
@inline export function direct(accumulate: bool): bool { return !accumulate; }
/**
 * Fills `rows` rows of `cols` floats: with byColumn, every row is values[0..cols); else row r is values[r] repeated.
 * Zeros when values is 0.
 */
function fillRows(dst: usize, values: usize, byColumn: bool, rows: i32, cols: i32): void {
  const whole = cols - cols % LANES;
  for (let r = 0; r < rows; r++) {
    let p = dst + (<usize>(r * cols) << 2);
    if (byColumn && values != 0) {
      for (let j = 0; j < cols; j++) store<f32>(p + (<usize>j << 2), load<f32>(values + (<usize>j << 2)));
      continue;
    }
    const v = values == 0 || byColumn ? <f32>0 : load<f32>(values + (<usize>r << 2)), vv = vsplat(v);
    let j = 0;
    for (; j < whole; j += LANES) { vstore(p, vv); p += VBYTES; }
    for (; j < cols; j++) { store<f32>(p, v); p += 4; }
  }
}

/** Wᵀ with its rows in tap-major order: dst[(t·C + c), o] = w[o, c, t] for taps t < T, row stride ld. */
function tapMajorTranspose(dst: usize, ld: i32, w: usize, outC: i32, c: i32, taps: i32): void {
  for (let o = 0; o < outC; o++) for (let ci = 0; ci < c; ci++) for (let t = 0; t < taps; t++) {
    store<f32>(dst + (<usize>((t * c + ci) * ld + o) << 2), load<f32>(w + (<usize>((o * c + ci) * taps + t) << 2)));
  }
}

/**
 * Core of Conv2d's forward: y = epilogue(init + Σ_{i,j,c} w·x) per image, init = bias (bias != 0), the old y
 * (accumulate), or 0. Overwrites y unless accumulate. Run transposed, yᵀ (G·P × outC) = rows (G·P × K) · Wᵀ for a
 * group of G images, so that pixels are gemm's rows (any count: the row tail is a vector tile) and the bias is
 * gemm's fused bias row; the moves in and out of yᵀ are exact. The patch rows come from the image in (H, W, C)
 * order (im2row_hwc: long contiguous copies), so each output sums its taps in (i, j, c) order. When it overwrites
 * y (allowDirect: all but the benchmark's comparison), ./conv-direct.ts's kernel instead, or at one input channel in
 * the SIMD build ./conv-thin-forward.ts's: the same sums, the same bits.
 */
export function convForward(
  y: usize, x: usize, w: usize, bias: usize, scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, s: i32, p: i32, accumulate: bool, epilogue: i32,
  allowDirect: bool = true
): void {
  if (allowDirect && direct(accumulate)) {
    if (thinForward(inC)) conv2d_forward_thin(y, x, w, bias, scratch, batch, h, wd, outC, kh, kw, s, p, epilogue);
    else conv2d_forward_direct(y, x, w, bias, scratch, batch, inC, h, wd, outC, kh, kw, s, p, epilogue);
    return;
  }
  const ho = outSize(h, kh, s, p), wo = outSize(wd, kw, s, p), P = ho * wo, K = inC * kh * kw;
  const G = groupOf(P, K, outC), xB = <usize>(inC * h * wd) << 2, yB = <usize>(outC * P) << 2;
  const ldr = strideFor(K), ldw = strideFor(outC), rowsB = <usize>(P * ldr) << 2;
  const wt = scratch, rows = wt + (<usize>((K + 4) * (outC + 4)) << 2), yt = rows + <usize>G * rowsB;
  const xh = yt + (<usize>midFloats(G * P, outC) << 2);
  const mode = accumulate ? INIT_ACCUMULATE : bias != 0 ? INIT_BIAS : INIT_ZERO;
  tapMajorTranspose(wt, ldw, w, outC, inC, kh * kw);
  for (let n0 = 0; n0 < batch; n0 += G) {
    const g = min(G, batch - n0);
    for (let i = 0; i < g; i++) {
      const n = <usize>(n0 + i);
      transpose(xh, x + n * xB, inC, h * wd); // (C, H·W) → (H·W, C)
      im2row_hwc(rows + <usize>i * rowsB, ldr, xh, inC, h, wd, kh, kw, s, p);
      if (accumulate) transpose(yt + <usize>i * yB, y + n * yB, outC, P);
    }
    gemm(yt, outC, rows, ldr, 1, wt, ldw, bias, g * P, outC, K, mode, epilogue); // the same sums as gemm_packed
    for (let i = 0; i < g; i++) transpose(y + <usize>(n0 + i) * yB, yt + <usize>i * yB, P, outC);
  }
}

/**
 * Core of Conv2d's input gradient: dx = epilogue(init + row2im(dyᵀ·W)) per image, init = bias per channel
 * (bias != 0), the old dx (accumulate), or 0. Here dx is (inC, h, wd) and dy (outC, ho, wo) per image. With 8 or
 * more input channels, ./conv-direct-dx.ts's indirect product per stride phase instead; with one, stride 2 and kernel
 * width 4, ./conv-thin-dx.ts's pixel-vectorised kernel (the same bits; allowThin false: the benchmark's comparison). A group's dyᵀ (G·P × outC)
 * is packed first (conv-pack.ts), so that the product's rows span the group; W's columns are taken in tap-major
 * order, so the patch-row gradients go back into the image (H, W, C) in runs (row2im_hwc_add).
 */
export function convInputGradient(
  dx: usize, dy: usize, w: usize, bias: usize, scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, s: i32, p: i32, accumulate: bool, epilogue: i32,
  allowThin: bool = true
): void {
  if (allowThin && thinInputGradient(inC, kw, s)) {
    conv2d_input_gradient_thin(dx, dy, w, bias, scratch, batch, h, wd, outC, kh, p, accumulate, epilogue);
    return;
  }
  if (directInputGradient(inC)) {
    conv2d_input_gradient_direct(dx, dy, w, bias, scratch, batch, inC, h, wd, outC, kh, kw, s, p, accumulate, epilogue);
    return;
  }
  const ho = outSize(h, kh, s, p), wo = outSize(wd, kw, s, p), P = ho * wo, K = inC * kh * kw, HW = h * wd;
  const G = groupOf(P, K, outC), xB = <usize>(inC * HW) << 2, yB = <usize>(outC * P) << 2;
  const ldr = strideFor(K), rowsB = <usize>(P * ldr) << 2;
  const wp = scratch, rows = wp + (<usize>((K + 4) * (outC + 4)) << 2), dyt = rows + <usize>G * rowsB;
  const xh = dyt + (<usize>midFloats(G * P, outC) << 2);
  tapMajorRows(wp, ldr, w, outC, inC, kh * kw, true); // W (outC × K), tap-major columns, padded rows
  for (let n0 = 0; n0 < batch; n0 += G) {
    const g = min(G, batch - n0);
    packColumns(dyt, dy + <usize>n0 * yB, g, outC, P); // dyᵀ (G·P × outC), packed
    gemm_packed(rows, ldr, dyt, wp, ldr, 0, g * P, K, outC, INIT_ZERO, EPILOGUE_NONE); // (G·P × K) = dyᵀ · W
    for (let i = 0; i < g; i++) {
      const dxn = dx + <usize>(n0 + i) * xB, img = inC == 1 ? dxn : xh; // one channel: (C, H, W) is (H, W, C)
      if (accumulate) { if (inC > 1) transpose(xh, dxn, inC, HW); }
      else fillPixels(img, bias, HW, inC); // every pixel's channels start from the bias (or 0)
      row2im_hwc_add(img, rows + <usize>i * rowsB, ldr, inC, h, wd, kh, kw, s, p);
      if (inC > 1) transpose(dxn, xh, HW, inC);
      if (epilogue != EPILOGUE_NONE) activateTile(dxn, 0, 1, inC * HW, epilogue);
    }
  }
}

/** `pixels` rows of c floats, each row bias[0..c) (or zeros when bias is 0): one contiguous fill when it can be. */
function fillPixels(dst: usize, bias: usize, pixels: i32, c: i32): void {
  if (bias != 0 && c > 1) { fillRows(dst, bias, true, pixels, c); return; }
  const v = bias == 0 ? <f32>0 : load<f32>(bias), vv = vsplat(v), n = pixels * c;
  let j = 0;
  for (; j + LANES <= n; j += LANES) vstore(dst + (<usize>j << 2), vv);
  for (; j < n; j++) store<f32>(dst + (<usize>j << 2), v);
}

/**
 * Core of Conv2d's weight gradient for the output channels [c0, c1): dW rows c0..c1 (outC × K, row-major, dw
 * points at row 0) = init + Σ_n dy_n · rows(x_n), init = the old dW (accumulate) or 0; and when db != 0,
 * db = channelSums of dy. Per group one product of depth G·P over its images' dy rows packed side by side
 * (conv-pack.ts): the same running sums, in the same (n, q) order, as one image at a time. The product runs on
 * tap-major patch rows (im2row_hwc), or for few input channels on small blocks of them read with dy in place
 * (./conv-thin-dw.ts, the same bits), into a tap-major copy of the rows, permuted back at the end. When K is a
 * multiple of 2·LANES the patch rows are written as column panels (im2row_hwc_panels, gemm_packed_panels): each
 * 8-column panel of B is then G·P·32 contiguous bytes rather than G·P rows ≈ 2 KB apart (at K = 512 such a panel
 * spans ~100 pages, beyond a typical L1 TLB's reach: the likely reason the panels measured faster). The same sums.
 */
export function convWeightGradient(
  dw: usize, db: usize, dy: usize, x: usize, scratch: usize,
  batch: i32, inC: i32, h: i32, wd: i32, outC: i32, kh: i32, kw: i32, s: i32, p: i32, c0: i32, c1: i32, accumulate: bool
): void {
  const ho = outSize(h, kh, s, p), wo = outSize(wd, kw, s, p), P = ho * wo, K = inC * kh * kw;
  const count = c1 - c0;
  if (count <= 0 || batch <= 0) { if (count > 0 && !accumulate) zeroGradients(dw, db, c0, count, K); return; }
  if (db != 0) channelSums(db, dy, scratch, batch, outC, P, c0, c1, accumulate); // before scratch holds dW
  const G = groupOf(P, K, outC), xB = <usize>(inC * h * wd) << 2, yB = <usize>(outC * P) << 2;
  const ldr = strideFor(K), rowsB = <usize>(P * ldr) << 2, taps = kh * kw;
  const dwt = scratch, rows = dwt + (<usize>((K + 4) * (outC + 4)) << 2), dyg = rows + <usize>G * rowsB;
  const xh = dyg + (<usize>midFloats(G * P, outC) << 2), dwRows = dw + (<usize>(c0 * K) << 2), pB = <usize>P << 2;
  if (thinWeightGradient(inC, kw)) { // small patch rows per block of images, dy read in place: the same sums
    const ldt = rowFloats(K), work = dwt + (<usize>thin_dw_rows_floats(count, K) << 2);
    if (accumulate) tapMajorRows(dwt, ldt, dwRows, count, inC, taps, true);
    else fillRows(dwt, 0, false, count, ldt);
    thin_weight_gradient(dwt, dy, x, work, batch, inC, h, wd, outC, kh, kw, s, p, c0, count);
    tapMajorRows(dwRows, ldt, dwt, count, inC, taps, false);
    return;
  }
  if (accumulate) tapMajorRows(dwt, K, dwRows, count, inC, taps, true);
  const inPanels = K % (2 * LANES) == 0;
  for (let n0 = 0; n0 < batch; n0 += G) {
    const g = min(G, batch - n0), ldg = g * P, panelB = <usize>ldg * (2 * VBYTES);
    for (let i = 0; i < g; i++) {
      const n = <usize>(n0 + i);
      transpose(xh, x + n * xB, inC, h * wd); // (C, H·W) → (H·W, C)
      if (inPanels) im2row_hwc_panels(rows, panelB, i * P, xh, inC, h, wd, kh, kw, s, p);
      else im2row_hwc(rows + <usize>i * rowsB, ldr, xh, inC, h, wd, kh, kw, s, p);
    }
    packChannels(dyg, dy + <usize>n0 * yB + <usize>c0 * pB, g, outC, P, count); // dy rows (count × G·P), packed
    const mode = n0 > 0 || accumulate ? INIT_ACCUMULATE : INIT_ZERO;
    if (inPanels) gemm_packed_panels(dwt, K, dyg, rows, count, K, ldg, mode, EPILOGUE_NONE);
    else gemm_packed(dwt, K, dyg, rows, ldr, 0, count, K, ldg, mode, EPILOGUE_NONE);
  }
  tapMajorRows(dwRows, K, dwt, count, inC, taps, false);
}

/**
 * Rows of K = c·taps floats between PyTorch's (c, tap) order (row stride K) and tap-major (tap, c) order (row stride
 * ld >= K), in the direction `toTapMajor`: exact moves. dst is the tap-major side when toTapMajor, else src.
 */
function tapMajorRows(dst: usize, ld: i32, src: usize, rows: i32, c: i32, taps: i32, toTapMajor: bool): void {
  const K = c * taps;
  for (let r = 0; r < rows; r++) for (let ci = 0; ci < c; ci++) for (let t = 0; t < taps; t++) {
    const torch = <usize>(r * K + ci * taps + t) << 2, tapMajor = <usize>(r * ld + t * c + ci) << 2;
    if (toTapMajor) store<f32>(dst + tapMajor, load<f32>(src + torch));
    else store<f32>(dst + torch, load<f32>(src + tapMajor));
  }
}

/** dW rows c0..c0+count and db[c0..c0+count] (when db != 0) set to 0: the gradients of an empty batch. */
function zeroGradients(dw: usize, db: usize, c0: i32, count: i32, K: i32): void {
  fillRows(dw + (<usize>(c0 * K) << 2), 0, false, count, K);
  if (db != 0) fillRows(db + (<usize>c0 << 2), 0, false, 1, count);
}

/**
 * db[c] = init + Σ_n Σ_q dy[n, c, q] in (n, q) order for c in [c0, c1); init = the old db (accumulate) or 0. Lanes
 * run along channels, so each lane is one channel's running sum, the same as a scalar loop in either build: each
 * image's channel rows are transposed into `tmp` ((c1 − c0) × pixels floats, as (pixel, channel)) and added a pixel
 * row at a time, four vectors of channels at once (a scalar chain per channel is bound by the add's latency). A
 * tensor of fewer than 4 channels has no 4 chains to interleave: its channels are summed in conv-sums.ts's fixed tree
 * of 16 partial sums instead (channelSumsTree; a choice by `channels`, not by c0 and c1, so a split changes no bit).
 */
export function channelSums(db: usize, dy: usize, tmp: usize, batch: i32, channels: i32, pixels: i32, c0: i32, c1: i32, accumulate: bool): void {
  const count = c1 - c0, rowB = <usize>count << 2, sums = db + (<usize>c0 << 2), imageB = <usize>(channels * pixels) << 2;
  if (count <= 0) return;
  if (channels < 4) {
    channelSumsTree(sums, dy + (<usize>(c0 * pixels) << 2), tmp, batch, channels, pixels, count, accumulate);
    return;
  }
  if (!accumulate) fillRows(sums, 0, false, 1, count);
  if (ASC_FEATURE_SIMD && LANES == 4 && count >= 4) { // no transposed copy: ./conv-sums.ts, then the last count mod 4 channels
    const first = dy + (<usize>(c0 * pixels) << 2);
    channelSums4(sums, first, batch, channels, pixels, count);
    for (let c = count & ~3; c < count; c++) {
      let s0 = load<f32>(sums + (<usize>c << 2));
      for (let n = 0; n < batch; n++) {
        const row = first + <usize>n * imageB + (<usize>(c * pixels) << 2);
        for (let i = 0; i < pixels; i++) s0 += load<f32>(row + (<usize>i << 2));
      }
      store<f32>(sums + (<usize>c << 2), s0);
    }
    return;
  }
  for (let n = 0; n < batch; n++) {
    transpose(tmp, dy + <usize>n * imageB + (<usize>(c0 * pixels) << 2), count, pixels); // (c, q) → (q, c)
    let c = 0;
    for (; c + 4 * LANES <= count; c += 4 * LANES) {
      const d = sums + (<usize>c << 2);
      let s0 = vload(d), s1 = vload(d + VBYTES), s2 = vload(d + 2 * VBYTES), s3 = vload(d + 3 * VBYTES);
      let q = tmp + (<usize>c << 2);
      for (let i = 0; i < pixels; i++) {
        s0 = vadd(s0, vload(q)); s1 = vadd(s1, vload(q + VBYTES)); s2 = vadd(s2, vload(q + 2 * VBYTES)); s3 = vadd(s3, vload(q + 3 * VBYTES));
        q += rowB;
      }
      vstore(d, s0); vstore(d + VBYTES, s1); vstore(d + 2 * VBYTES, s2); vstore(d + 3 * VBYTES, s3);
    }
    for (; c + LANES <= count; c += LANES) {
      const d = sums + (<usize>c << 2);
      let s0 = vload(d), q = tmp + (<usize>c << 2);
      for (let i = 0; i < pixels; i++) { s0 = vadd(s0, vload(q)); q += rowB; }
      vstore(d, s0);
    }
    for (; c < count; c++) {
      const d = sums + (<usize>c << 2);
      let s0 = load<f32>(d), q = tmp + (<usize>c << 2);
      for (let i = 0; i < pixels; i++) { s0 += load<f32>(q); q += rowB; }
      store<f32>(d, s0);
    }
  }
}
