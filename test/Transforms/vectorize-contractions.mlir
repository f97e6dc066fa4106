// RUN: dps-opt %s --split-input-file --dps-vectorize-contractions | FileCheck %s
// RUN: dps-opt %s --split-input-file --dps-vectorize-contractions="tile-rows=6 tile-cols=16" | FileCheck %s --check-prefix=AVX2

// A forward contraction with a dynamic batch: full 8-row tiles run 8x32
// vector contractions over k with the accumulator held in a loop-carried
// vector; the rows left over (peeled, fewer than 8) run as a 4x32 tile if
// 4 or more are left (tile rows of 512 x 32 multiply-adds), then as 1x32 tiles
// (7 rows: 4 + 1 + 1 + 1).
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @forward
// CHECK: %[[FULL:.*]] = affine.apply {{.*}}()[%[[ROWS:.*]]]
// CHECK: scf.for %{{.*}} = %c0 to %[[FULL]] step %c8
// CHECK:   scf.for %{{.*}} = %c0 to %c64 step %c32
// CHECK:     %[[INIT:.*]] = vector.transfer_read {{.*}} : tensor<8x32xf32>, vector<8x32xf32>
// CHECK:     %[[ACC:.*]] = scf.for %{{.*}} = %c0 to %c512 step %c1 iter_args(%{{.*}} = %[[INIT]]) -> (vector<8x32xf32>)
// CHECK:       vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK:     vector.transfer_write %[[ACC]]
// CHECK: scf.for %{{.*}} = %[[FULL]] to %{{.*}} step %c8
// CHECK:   %[[FOUR:.*]] = arith.cmpi uge, %{{.*}}, %c4 : index
// CHECK:   scf.if %[[FOUR]] -> (tensor<?x32xf32>) {
// CHECK:     vector.contract {{.*}} : vector<4x1xf32>, vector<1x32xf32> into vector<4x32xf32>
// CHECK-NOT: vector<2x32xf32>
// CHECK:   vector.contract {{.*}} : vector<1x1xf32>, vector<1x32xf32> into vector<1x32xf32>
// CHECK-NOT: linalg.generic
// CHECK-LABEL: func.func @short_rows
// CHECK: vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK-NOT: scf.if
// CHECK: vector.contract {{.*}} : vector<1x1xf32>, vector<1x32xf32> into vector<1x32xf32>
// CHECK: return
func.func @forward(%x: tensor<?x512xf32>, %w: tensor<512x64xf32>,
                   %acc: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %r = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<?x512xf32>, tensor<512x64xf32>)
      outs(%acc : tensor<?x64xf32>) attrs = {dps.contraction} {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %p = arith.mulf %in, %in_0 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x64xf32>
  return %r : tensor<?x64xf32>
}

// Tile rows of fewer multiply-adds (96 x 32) keep single-row leftover tiles.
func.func @short_rows(%x: tensor<?x96xf32>, %w: tensor<96x64xf32>,
                      %acc: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %r = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<?x96xf32>, tensor<96x64xf32>)
      outs(%acc : tensor<?x64xf32>) attrs = {dps.contraction} {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %p = arith.mulf %in, %in_0 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x64xf32>
  return %r : tensor<?x64xf32>
}

// -----

// G * W^T at bf16 with 40 columns: W is transposed once, both operands are
// widened to f32 once (not in every tile that reads them), and the column
// loop is peeled into a 32-wide and an 8-wide tile.
#a = affine_map<(m, n, k) -> (m, k)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @transposed_rhs
// CHECK: linalg.transpose ins(%{{.*}} : tensor<40x16xbf16>) outs(%{{.*}} : tensor<16x40xbf16>) permutation = [1, 0]
// CHECK: %[[G32:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<16x16xbf16>) outs(%{{.*}} : tensor<16x16xf32>)
// CHECK:   arith.extf
// CHECK: %[[W32:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<16x40xbf16>) outs(%{{.*}} : tensor<16x40xf32>)
// CHECK:   arith.extf
// CHECK-NOT: arith.extf
// CHECK: vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK: vector.contract {{.*}} : vector<8x1xf32>, vector<1x8xf32> into vector<8x8xf32>
func.func @transposed_rhs(%g: tensor<16x16xbf16>, %w: tensor<40x16xbf16>,
                          %acc: tensor<16x40xf32>) -> tensor<16x40xf32> {
  %r = linalg.generic {indexing_maps = [#a, #bt, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%g, %w : tensor<16x16xbf16>, tensor<40x16xbf16>)
      outs(%acc : tensor<16x40xf32>) attrs = {dps.contraction} {
  ^bb0(%in: bf16, %in_0: bf16, %out: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %p = arith.mulf %0, %1 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<16x40xf32>
  return %r : tensor<16x40xf32>
}

// -----

// C starts as a zero fill (a weight gradient written into its gradient set):
// the fill moves into the tile loops and the accumulators start as zero
// registers; C is neither filled nor read.
#at = affine_map<(m, n, k) -> (k, m)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @zero_init
// CHECK-SAME: %[[OUT:[a-z0-9]+]]: tensor<16x64xf32>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<8x32xf32>
// CHECK-NOT: linalg.fill
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[OUT]])
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]]) -> (vector<8x32xf32>)
// CHECK: vector.contract
// CHECK-NOT: linalg.fill
func.func @zero_init(%x: tensor<?x16xf32>, %g: tensor<?x64xf32>,
                     %out: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %zero = arith.constant 0.0 : f32
  %z = linalg.fill ins(%zero : f32) outs(%out : tensor<16x64xf32>) -> tensor<16x64xf32>
  %r = linalg.generic {indexing_maps = [#at, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %g : tensor<?x16xf32>, tensor<?x64xf32>)
      outs(%z : tensor<16x64xf32>) attrs = {dps.contraction} {
  ^bb0(%in: f32, %in_0: f32, %o: f32):
    %p = arith.mulf %in, %in_0 : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  return %r : tensor<16x64xf32>
}

// -----

// A weight gradient rounded into its bf16 gradient set: the rounding, alone
// reading the zero-filled product through identity maps, is tiled with it,
// so each tile's sums go from registers through truncf to the bf16 store;
// no f32 product the size of the gradient is built. On the FMA tile and on
// the vdpbf16ps tile (whose accumulators start as zero registers too, and
// whose B, the batch's rows of G read by 16 row tiles, is packed in pairs of
// rows once).
#at = affine_map<(m, n, k) -> (k, m)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
// CHECK-LABEL: func.func @rounded_gradient
// CHECK-SAME: %[[SET:[a-z0-9]+]]: tensor<128x64xbf16>
// CHECK-NOT: tensor<128x64xf32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[SET]])
// CHECK: %[[SUMS:.*]] = scf.for {{.*}} -> (vector<8x32xf32>)
// CHECK: vector.contract
// CHECK: %[[ROUNDED:.*]] = arith.truncf %[[SUMS]] : vector<8x32xf32> to vector<8x32xbf16>
// CHECK: vector.transfer_write %[[ROUNDED]]
// CHECK-NOT: linalg.generic
// DOT-LABEL: func.func @rounded_gradient
// DOT-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// DOT-NOT: tensor<128x64xf32>
// B (the batch's rows of G, read by 16 tiles of 8 rows) is packed in pairs
// of rows once, before the tiles, which load each pair ready. A = X^T is
// not transposed: X is packed in pairs of its rows alike, and each row of a
// tile broadcasts its pair of k from there. A batch of odd rows pairs its
// last row with zeros (the scf.if), nothing is padded or copied.
// DOT-NOT: linalg.transpose
// DOT-NOT: tensor.pad
// DOT: scf.for {{.*}} -> (tensor<?x256xbf16>)
// DOT: vector.interleave
// DOT: %[[PACKED_X:.*]] = scf.if {{.*}} -> (tensor<?x256xbf16>)
// DOT: vector.interleave %{{.*}}, %[[ZEROS:.*]] : vector<16xbf16> -> vector<32xbf16>
// DOT: scf.for {{.*}} -> (tensor<?x128xbf16>)
// DOT: vector.interleave
// DOT: %[[PACKED:.*]] = scf.if {{.*}} -> (tensor<?x128xbf16>)
// DOT: %[[SUMS:.*]]:16 = scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]],
// DOT-NOT: vector.interleave
// DOT: vector.transfer_read %[[PACKED]]{{.*}} : tensor<?x128xbf16>, vector<32xbf16>
// DOT: vector.transfer_read %[[PACKED_X]]{{.*}} : tensor<?x256xbf16>, vector<2xbf16>
// DOT-COUNT-16: x86vector.avx512.dot
// DOT: %[[ROW:.*]] = vector.insert_strided_slice %[[SUMS]]#0, %{{.*}} {offsets = [0, 0], strides = [1]} : vector<16xf32> into vector<8x32xf32>
// DOT: %[[TILE:.*]] = vector.insert_strided_slice %[[SUMS]]#15, %{{.*}} {offsets = [7, 16], strides = [1]}
// DOT: %[[ROUNDED:.*]] = arith.truncf %[[TILE]] : vector<8x32xf32> to vector<8x32xbf16>
// DOT: vector.transfer_write %[[ROUNDED]]
// DOT-NOT: linalg.generic
func.func @rounded_gradient(%x: tensor<?x128xbf16>, %g: tensor<?x64xbf16>,
                            %set: tensor<128x64xbf16>) -> tensor<128x64xbf16> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<128x64xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<128x64xf32>) -> tensor<128x64xf32>
  %r = linalg.generic {indexing_maps = [#at, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %g : tensor<?x128xbf16>, tensor<?x64xbf16>)
      outs(%z : tensor<128x64xf32>) attrs = {dps.contraction} {
  ^bb0(%in: bf16, %in_0: bf16, %o: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %p = arith.mulf %0, %1 : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<128x64xf32>
  %t = linalg.generic {indexing_maps = [#id, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%r : tensor<128x64xf32>) outs(%set : tensor<128x64xbf16>) {
  ^bb0(%in: f32, %o: bf16):
    %0 = arith.truncf %in : f32 to bf16
    linalg.yield %0 : bf16
  } -> tensor<128x64xbf16>
  return %t : tensor<128x64xbf16>
}

// -----

// A product read twice (here also returned) keeps its own tiles: the
// rounding is not computed inside them.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
// CHECK-LABEL: func.func @product_read_twice
// DOT-LABEL: func.func @product_read_twice
// CHECK: vector.contract
// CHECK: } {dps.parallel}
// CHECK: linalg.generic
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @product_read_twice(%x: tensor<16x16xf32>, %w: tensor<16x64xf32>,
                              %out: tensor<16x64xbf16>)
    -> (tensor<16x64xf32>, tensor<16x64xbf16>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x64xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<16x64xf32>) -> tensor<16x64xf32>
  %r = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<16x16xf32>, tensor<16x64xf32>)
      outs(%z : tensor<16x64xf32>) attrs = {dps.contraction} {
  ^bb0(%in: f32, %in_0: f32, %o: f32):
    %p = arith.mulf %in, %in_0 : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<16x64xf32>
  %t = linalg.generic {indexing_maps = [#id, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%r : tensor<16x64xf32>) outs(%out : tensor<16x64xbf16>) {
  ^bb0(%in: f32, %o: bf16):
    %0 = arith.truncf %in : f32 to bf16
    linalg.yield %0 : bf16
  } -> tensor<16x64xbf16>
  return %r, %t : tensor<16x64xf32>, tensor<16x64xbf16>
}

// -----

// Untagged generics are left alone.
// CHECK-LABEL: func.func @untagged
// CHECK: linalg.generic
// CHECK-NOT: vector.contract
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @untagged(%x: tensor<8x8xf32>, %w: tensor<8x32xf32>,
                    %acc: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %r = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<8x8xf32>, tensor<8x32xf32>)
      outs(%acc : tensor<8x32xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %p = arith.mulf %in, %in_0 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<8x32xf32>
  return %r : tensor<8x32xf32>
}

// -----

// With bf16-dot, a bf16 contraction with a multiple of 16 columns keeps its
// bf16 operands: a loop over pairs of k of x86vector.avx512.dot, B's two
// rows interleaved, A's pair broadcast; 8 rows x 2 slices of 16 columns.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
// DOT-LABEL: func.func @dot
// DOT: scf.for %{{.*}} = %c0 to %c96 step %c2 iter_args({{.*}}) -> (vector<16xf32>, {{.*}})
// DOT:   vector.interleave {{.*}} : vector<16xbf16> -> vector<32xbf16>
// DOT:   vector.bitcast {{.*}} : vector<2xbf16> to vector<1xi32>
// DOT-COUNT-16: x86vector.avx512.dot
// DOT-NOT: linalg.generic
// DOT: return
// RUN: dps-opt %s --split-input-file --dps-vectorize-contractions=bf16-dot | FileCheck %s --check-prefix=DOT
// Without it, the operands are widened and the f32 FMA tile runs.
// CHECK-LABEL: func.func @dot
// CHECK: vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
func.func @dot(%x: tensor<16x96xbf16>, %w: tensor<96x32xbf16>,
               %acc: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %r = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<16x96xbf16>, tensor<96x32xbf16>)
      outs(%acc : tensor<16x32xf32>) attrs = {dps.contraction} {
  ^bb0(%in: bf16, %in_0: bf16, %out: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %p = arith.mulf %0, %1 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}

// -----

// A static B read by many row tiles (here 128 rows: 16 tiles of 8) is packed
// in pairs of rows once, before the tiles, which load each pair ready, by all
// the threads (B has 2^16 elements); the 16-row @dot above (2 tiles)
// interleaves B in registers instead.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
// DOT-LABEL: func.func @dot_many_row_tiles
// DOT: %[[PACKED:.*]] = scf.for {{.*}} -> (tensor<?x256xbf16>)
// DOT: vector.interleave
// DOT: } {dps.parallel}
// DOT: scf.for %{{.*}} = %c0 to %c512 step %c2 iter_args({{.*}}) -> (vector<16xf32>, {{.*}})
// DOT-NOT: vector.interleave
// DOT: vector.transfer_read %[[PACKED]]{{.*}} : tensor<?x256xbf16>, vector<32xbf16>
// DOT-COUNT-16: x86vector.avx512.dot
// DOT-NOT: vector.interleave
// DOT: return
// CHECK-LABEL: func.func @dot_many_row_tiles
func.func @dot_many_row_tiles(%x: tensor<128x512xbf16>, %w: tensor<512x128xbf16>,
                              %acc: tensor<128x128xf32>) -> tensor<128x128xf32> {
  %r = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<128x512xbf16>, tensor<512x128xbf16>)
      outs(%acc : tensor<128x128xf32>) attrs = {dps.contraction} {
  ^bb0(%in: bf16, %in_0: bf16, %out: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %p = arith.mulf %0, %1 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<128x128xf32>
  return %r : tensor<128x128xf32>
}

// -----

// 48 columns: 32-column tiles (16 vdpbf16ps per pair of k for 8 rows), then
// the 16 columns past them as an 8 x 16 tile, not 16-column tiles throughout.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
// DOT-LABEL: func.func @dot_columns_past_32
// DOT: scf.for %{{.*}} = %c0 to %c96 step %c2 iter_args({{.*}}) -> (vector<16xf32>, {{.*}})
// DOT-COUNT-16: x86vector.avx512.dot
// DOT-NOT: x86vector.avx512.dot
// DOT: scf.yield
// DOT: scf.for %{{.*}} = %c0 to %c96 step %c2 iter_args({{.*}}) -> (vector<16xf32>, {{.*}})
// DOT-COUNT-8: x86vector.avx512.dot
// DOT-NOT: x86vector.avx512.dot
// DOT: scf.yield
// DOT: return
// CHECK-LABEL: func.func @dot_columns_past_32
func.func @dot_columns_past_32(%x: tensor<16x96xbf16>, %w: tensor<96x48xbf16>,
                               %acc: tensor<16x48xf32>) -> tensor<16x48xf32> {
  %r = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<16x96xbf16>, tensor<96x48xbf16>)
      outs(%acc : tensor<16x48xf32>) attrs = {dps.contraction} {
  ^bb0(%in: bf16, %in_0: bf16, %out: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %p = arith.mulf %0, %1 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<16x48xf32>
  return %r : tensor<16x48xf32>
}

// -----

// More columns than rows (static, 16+ row tiles): the threads share out
// blocks of 128 columns (the parallel loop), each block's B packed inside
// it, by the thread that reads it; the last, partial block (16 columns)
// reads B where it lies.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
// DOT-LABEL: func.func @dot_column_blocks
// DOT: scf.for %{{.*}} = %c0 to %c256 step %c128
// DOT: %[[PACKED:.*]] = scf.for {{.*}} -> (tensor<?x256xbf16>)
// DOT: vector.interleave
// DOT: scf.for %{{.*}} = %c0 to %c128 step %c8
// DOT: vector.transfer_read %[[PACKED]]{{.*}} : tensor<?x256xbf16>, vector<32xbf16>
// DOT-COUNT-16: x86vector.avx512.dot
// DOT: } {dps.parallel}
// DOT: scf.for %{{.*}} = %c0 to %c128 step %c8
// DOT: vector.interleave
// DOT-COUNT-8: x86vector.avx512.dot
// DOT-NOT: dps.parallel
// DOT: return
// CHECK-LABEL: func.func @dot_column_blocks
func.func @dot_column_blocks(%x: tensor<128x32xbf16>, %w: tensor<32x272xbf16>,
                             %acc: tensor<128x272xf32>) -> tensor<128x272xf32> {
  %r = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<128x32xbf16>, tensor<32x272xbf16>)
      outs(%acc : tensor<128x272xf32>) attrs = {dps.contraction} {
  ^bb0(%in: bf16, %in_0: bf16, %out: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %p = arith.mulf %0, %1 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<128x272xf32>
  return %r : tensor<128x272xf32>
}

// -----

// A convolution read in place (dps.row_period: 14 rows of C are one output
// row of the image): its row tiles divide the output row, so that a tile's
// rows of A are consecutive pixels -- 14 x 32 FMA tiles, 7 x 32 vdpbf16ps
// tiles -- each reading its pixels (a slice of 14 + 34 rows of the image)
// at the tap and channel the map gives. The dot path packs the filter's
// pairs of rows once, whatever the batch (every image reads it).
#windows = affine_map<(m, n, k) -> ((m floordiv 196) * 256 + ((m floordiv 14) mod 14) * 16 + m mod 14 + (k floordiv 48) * 16 + (k floordiv 16) mod 3, k mod 16)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @convolution_in_place
// CHECK: scf.for %[[M:.*]] = %c0 to %{{.*}} step %c14
// CHECK:   tensor.extract_slice %{{.*}}[%{{.*}}, 0] [48, 16] [1, 1] : tensor<?x16xf32> to tensor<48x16xf32>
// CHECK:   scf.for %{{.*}} = %c0 to %c144 step %c1 iter_args(%{{.*}}) -> (vector<14x32xf32>)
// CHECK:     tensor.extract_slice %{{.*}} [14, 1] [1, 1] : tensor<48x16xf32> to tensor<14x1xf32>
// CHECK:     vector.contract {{.*}} : vector<14x1xf32>, vector<1x32xf32> into vector<14x32xf32>
// CHECK-NOT: vector<8x1xf32>
// CHECK: return
// With AVX2's 16-column tiles, 7-row ones (14 of its 16 ymm registers; 14
// rows would spill).
// AVX2-LABEL: func.func @convolution_in_place
// AVX2: scf.for %{{.*}} = %c0 to %{{.*}} step %c7
// AVX2:   scf.for %{{.*}} = %c0 to %c144 step %c1 iter_args(%{{.*}}) -> (vector<7x16xf32>)
// AVX2-NOT: vector<14x16xf32>
// AVX2: return
// DOT-LABEL: func.func @convolution_in_place
// DOT: %[[PACKED:.*]] = scf.for {{.*}} -> (tensor<?x64xbf16>)
// DOT: vector.interleave
// DOT: scf.for %{{.*}} = %c0 to %{{.*}} step %c7
// DOT:   %[[PIXELS:.*]] = tensor.extract_slice %{{.*}}[%{{.*}}, 0] [41, 16] [1, 1] : tensor<?x16xbf16> to tensor<41x16xbf16>
// DOT:   scf.for %{{.*}} = %c0 to %c144 step %c2 iter_args({{.*}}) -> (vector<16xf32>, {{.*}})
// DOT-NOT: vector.interleave
// DOT:     vector.transfer_read %[[PIXELS]][%{{.*}}, %{{.*}}]{{.*}} : tensor<41x16xbf16>, vector<2xbf16>
// DOT-COUNT-14: x86vector.avx512.dot
// DOT: return
func.func @convolution_in_place(%pixels: tensor<?x16xbf16>,
                                %f: tensor<144x32xbf16>,
                                %acc: tensor<?x32xf32>) -> tensor<?x32xf32> {
  %r = linalg.generic {indexing_maps = [#windows, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%pixels, %f : tensor<?x16xbf16>, tensor<144x32xbf16>)
      outs(%acc : tensor<?x32xf32>)
      attrs = {dps.contraction, dps.row_period = 14 : i64} {
  ^bb0(%in: bf16, %in_0: bf16, %out: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %p = arith.mulf %0, %1 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x32xf32>
  return %r : tensor<?x32xf32>
}

// -----

// An f32 contraction whose B is read transposed, with more columns than
// rows and 16+ row tiles: the threads share out blocks of 128 columns and
// each transposes the block of B it reads (one serial transpose of all of
// B, then rows shared out, ran slower at 2 threads than at 1); the last,
// partial block (16 columns) transposes its own slice after them.
#a = affine_map<(m, n, k) -> (m, k)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @transposed_b_column_blocks
// CHECK-NOT: linalg.transpose
// CHECK: scf.for %{{.*}} = %c0 to %c256 step %c128
// CHECK:   linalg.transpose ins(%{{.*}} : tensor<128x64xf32>) outs(%{{.*}} : tensor<64x128xf32>)
// CHECK:   scf.for %{{.*}} = %c0 to %c128 step %c8
// CHECK:     vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// CHECK: } {dps.parallel}
// CHECK: linalg.transpose ins(%{{.*}} : tensor<16x64xf32>) outs(%{{.*}} : tensor<64x16xf32>)
// CHECK: vector.contract {{.*}} : vector<8x1xf32>, vector<1x16xf32> into vector<8x16xf32>
// CHECK: return
// DOT-LABEL: func.func @transposed_b_column_blocks
func.func @transposed_b_column_blocks(%x: tensor<128x64xf32>, %w: tensor<272x64xf32>,
                                      %acc: tensor<128x272xf32>) -> tensor<128x272xf32> {
  %r = linalg.generic {indexing_maps = [#a, #bt, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<128x64xf32>, tensor<272x64xf32>)
      outs(%acc : tensor<128x272xf32>) attrs = {dps.contraction} {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %p = arith.mulf %in, %in_0 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<128x272xf32>
  return %r : tensor<128x272xf32>
}

// -----

// The same at bf16 with vdpbf16ps: each block's B^T [128, 64] is packed in
// pairs of k straight from its rows (a tagged VNNI pack of B^T, one 32-bit
// transpose), not transposed and then interleaved; the tiles read the pairs
// from it. The partial block transposes its slice as before.
#a = affine_map<(m, n, k) -> (m, k)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
// DOT-LABEL: func.func @dot_transposed_b_column_blocks
// DOT: scf.for %{{.*}} = %c0 to %c256 step %c128
// DOT-NOT: linalg.transpose
// DOT: linalg.generic {{.*}} ins(%{{.*}} : tensor<128x64xbf16>) outs(%{{.*}} : tensor<32x128x2xbf16>) attrs = {dps.vnni_pack}
// DOT: %[[PACKED:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2]] : tensor<32x128x2xbf16> into tensor<32x256xbf16>
// DOT-NOT: vector.interleave
// DOT: vector.transfer_read %[[PACKED]]{{.*}} : tensor<32x256xbf16>, vector<32xbf16>
// DOT-COUNT-16: x86vector.avx512.dot
// DOT: } {dps.parallel}
// DOT: linalg.transpose ins(%{{.*}} : tensor<16x64xbf16>) outs(%{{.*}} : tensor<64x16xbf16>)
// DOT: return
// CHECK-LABEL: func.func @dot_transposed_b_column_blocks
func.func @dot_transposed_b_column_blocks(%x: tensor<128x64xbf16>, %w: tensor<272x64xbf16>,
                                          %acc: tensor<128x272xf32>) -> tensor<128x272xf32> {
  %r = linalg.generic {indexing_maps = [#a, #bt, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<128x64xbf16>, tensor<272x64xbf16>)
      outs(%acc : tensor<128x272xf32>) attrs = {dps.contraction} {
  ^bb0(%in: bf16, %in_0: bf16, %out: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %p = arith.mulf %0, %1 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<128x272xf32>
  return %r : tensor<128x272xf32>
}

// -----

// A rung's VNNI-packed weight copy (dps.unpack_vnni lowered to a tagged
// copy): the dot tiles of a dynamic batch read its pairs of rows in place,
// through P as [K/2, 2 N], and nothing interleaves B or unpacks it.
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
#unpack = affine_map<(d0, d1) -> (d0 floordiv 2, d1, d0 mod 2)>
#id = affine_map<(d0, d1) -> (d0, d1)>
// DOT-LABEL: func.func @dot_vnni_copy
// DOT-SAME: %{{.*}}: tensor<?x96xbf16>, %[[P:.*]]: tensor<48x32x2xbf16>
// DOT: %[[FLAT:.*]] = tensor.collapse_shape %[[P]] {{\[}}[0], [1, 2]] : tensor<48x32x2xbf16> into tensor<48x64xbf16>
// DOT-NOT: dps.vnni_unpack
// DOT-NOT: vector.interleave
// DOT: vector.transfer_read %[[FLAT]]{{.*}} vector<32xbf16>
// DOT: x86vector.avx512.dot
// DOT-NOT: vector.interleave
// DOT-NOT: dps.vnni_unpack
func.func @dot_vnni_copy(%x: tensor<?x96xbf16>, %p: tensor<48x32x2xbf16>,
                         %acc: tensor<?x32xf32>) -> tensor<?x32xf32> {
  %e = tensor.empty() : tensor<96x32xbf16>
  %w = linalg.generic {indexing_maps = [#unpack, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%p : tensor<48x32x2xbf16>) outs(%e : tensor<96x32xbf16>)
      attrs = {dps.vnni_unpack} {
  ^bb0(%in: bf16, %out: bf16):
    linalg.yield %in : bf16
  } -> tensor<96x32xbf16>
  %r = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<?x96xbf16>, tensor<96x32xbf16>)
      outs(%acc : tensor<?x32xf32>) attrs = {dps.contraction} {
  ^bb0(%in: bf16, %in_0: bf16, %out: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %out, %2 : f32
    linalg.yield %3 : f32
  } -> tensor<?x32xf32>
  return %r : tensor<?x32xf32>
}
