// RUN: dps-opt %s --split-input-file --dps-vectorize-contractions=amx | FileCheck %s --check-prefix=PREP
// RUN: dps-opt %s --split-input-file --dps-vectorize-contractions=amx \
// RUN:   --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" \
// RUN:   --dps-lower-amx | FileCheck %s

// A bf16 contraction with a dynamic batch of rows and k = 40 (not a
// multiple of 32): dps-vectorize-contractions{amx} pads A's k to 64 with a
// copy (folded into an insert_slice) and a fill of the new columns, packs B's 20 pairs of rows into the
// first 20 of 32 (the rest zeros), and leaves a contraction over the
// packed operands tagged dps.amx.
// PREP-LABEL: func.func @dense
// PREP: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [%{{.*}}, 40] [1, 1] : tensor<?x40xbf16> into tensor<?x64xbf16>
// PREP: linalg.fill {{.*}} -> tensor<?x24xbf16>
// PREP: linalg.generic {{.*}} ins(%{{.*}} : tensor<40x48xbf16>) outs(%{{.*}} : tensor<20x48x2xbf16>) attrs = {{.*}}dps.vnni_pack
// PREP: linalg.fill {{.*}} -> tensor<12x48x2xbf16>
// PREP: tensor.expand_shape {{.*}} : tensor<?x64xbf16> into tensor<?x32x2xbf16>
// PREP: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// PREP-SAME: ins(%{{.*}}, %{{.*}} : tensor<?x32x2xbf16>, tensor<32x48x2xbf16>) outs(%{{.*}} : tensor<?x48xf32>) attrs = {{.*}}dps.amx
// PREP-NOT: dps.contraction

// dps-lower-amx on the buffers: B's pairs of rows interleaved on i16,
// 16 columns at a time; then (fewer rows than columns, on one thread) the
// 32-column block down the bands of 32 rows (2 x 2 tiles) and a single
// 16-row band, the last 16 columns likewise (2 x 1 tiles), and the rows
// left over through zero-padded 16-row copies.
// CHECK-LABEL: func.func @dense
// CHECK: scf.for
// CHECK-COUNT-3: vector.interleave {{.*}} : vector<16xi16> -> vector<32xi16>
// CHECK: scf.for {{.*}} step %c32
// CHECK: scf.for {{.*}} step %c32
// CHECK-COUNT-4: amx.tile_load {{.*}} into !amx.tile<16x16xf32>
// CHECK: scf.for {{.*}} iter_args
// CHECK-COUNT-4: amx.tile_load {{.*}} into !amx.tile<16x32xbf16>
// CHECK-COUNT-4: amx.tile_mulf
// CHECK: scf.yield
// CHECK-COUNT-4: amx.tile_store
// CHECK: scf.if
// CHECK-COUNT-2: amx.tile_mulf
// CHECK: scf.for
// CHECK-COUNT-2: amx.tile_mulf
// CHECK: scf.if
// CHECK: amx.tile_mulf
// CHECK: scf.if
// CHECK: memref.alloc() : memref<16x64xbf16>
// CHECK: memref.alloc() : memref<16x48xf32>
// CHECK: amx.tile_mulf
// CHECK: memref.dealloc
// CHECK-NOT: dps.amx
// CHECK-NOT: dps.vnni_pack
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @dense(%x: tensor<?x40xbf16>, %w: tensor<40x48xbf16>,
                 %acc: tensor<?x48xf32>) -> tensor<?x48xf32> {
  %r = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<?x40xbf16>, tensor<40x48xbf16>)
      outs(%acc : tensor<?x48xf32>) attrs = {dps.contraction} {
  ^bb0(%in: bf16, %in_0: bf16, %out: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %p = arith.mulf %0, %1 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x48xf32>
  return %r : tensor<?x48xf32>
}

// -----

// f32 and narrow contractions with a column count that is not a multiple of
// 16 keep the FMA path.
// PREP-LABEL: func.func @not_amx
// PREP-NOT: dps.amx
// PREP: vector.contract
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @not_amx(%x: tensor<16x32xbf16>, %w: tensor<32x10xbf16>,
                   %acc: tensor<16x10xf32>) -> tensor<16x10xf32> {
  %r = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<16x32xbf16>, tensor<32x10xbf16>)
      outs(%acc : tensor<16x10xf32>) attrs = {dps.contraction} {
  ^bb0(%in: bf16, %in_0: bf16, %out: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %p = arith.mulf %0, %1 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<16x10xf32>
  return %r : tensor<16x10xf32>
}

// -----

// Operands read transposed (A as [k, m], as in X^T G; B as [n, k], as in
// G W^T): A is untransposed by a tagged copy into the padded buffer, and
// B^T's pairs of k are packed straight from its rows. dps-lower-amx moves
// both as 16 x 16 blocks transposed in registers (one shuffle each; units
// of i16 for A, of i32 pairs for B), the edges element by element.
// PREP-LABEL: func.func @transposed
// PREP: linalg.generic {{.*}} ins(%{{.*}} : tensor<40x?xbf16>) outs(%{{.*}} : tensor<?x40xbf16>) attrs = {{.*}}dps.amx_transpose
// PREP: linalg.generic {{.*}} ins(%{{.*}} : tensor<48x40xbf16>) outs(%{{.*}} : tensor<20x48x2xbf16>) attrs = {{.*}}dps.vnni_pack
// PREP: dps.amx
// CHECK-LABEL: func.func @transposed
// CHECK: vector.bitcast {{.*}} : vector<16xbf16> to vector<16xi16>
// CHECK: vector.shuffle
// CHECK: vector.bitcast {{.*}} : vector<16xi16> to vector<16xbf16>
// CHECK: memref.load
// CHECK: vector.bitcast {{.*}} : vector<32xbf16> to vector<16xi32>
// CHECK: vector.shuffle
// CHECK: vector.bitcast {{.*}} : vector<16xi32> to vector<32xbf16>
// CHECK: memref.load
// CHECK: amx.tile_mulf
// CHECK-NOT: vector.transpose
// CHECK-NOT: dps.amx_transpose
#at = affine_map<(m, n, k) -> (k, m)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @transposed(%x: tensor<40x?xbf16>, %w: tensor<48x40xbf16>,
                      %acc: tensor<?x48xf32>) -> tensor<?x48xf32> {
  %r = linalg.generic {indexing_maps = [#at, #bt, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<40x?xbf16>, tensor<48x40xbf16>)
      outs(%acc : tensor<?x48xf32>) attrs = {dps.contraction} {
  ^bb0(%in: bf16, %in_0: bf16, %out: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %p = arith.mulf %0, %1 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x48xf32>
  return %r : tensor<?x48xf32>
}

// -----

// More rows than columns (a weight gradient's shape): pairs of 16-row
// bands are the threads' loop.
// CHECK-LABEL: func.func @tall
// CHECK: scf.for {{.*}} step %c32
// CHECK: amx.tile_mulf
// CHECK: } {dps.parallel}
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @tall(%x: tensor<64x32xbf16>, %w: tensor<32x16xbf16>,
                %acc: tensor<64x16xf32>) -> tensor<64x16xf32> {
  %r = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<64x32xbf16>, tensor<32x16xbf16>)
      outs(%acc : tensor<64x16xf32>) attrs = {dps.contraction} {
  ^bb0(%in: bf16, %in_0: bf16, %out: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %p = arith.mulf %0, %1 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<64x16xf32>
  return %r : tensor<64x16xf32>
}

// -----

// A weight gradient computed into a zero-filled buffer of the kernel's own
// (then rounded and added into the accumulator): the sums start in zeroed
// tiles, in the bands and in the leftover rows' copy, and the fill of C is
// gone. An accumulator argument as C is still loaded (@tall).
// CHECK-LABEL: func.func @zero_init
// CHECK-NOT: linalg.fill ins(%{{.*}} : f32)
// CHECK: amx.tile_zero : !amx.tile<16x16xf32>
// CHECK-NOT: amx.tile_load {{.*}}xf32> into
// CHECK: amx.tile_store
// CHECK-NOT: linalg.fill ins(%{{.*}} : f32)
// CHECK: return
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(i, j) -> (i, j)>
func.func @zero_init(%x: tensor<40x32xbf16>, %w: tensor<32x16xbf16>,
                     %acc: tensor<40x16xf32>) -> tensor<40x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<40x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<40x16xf32>) -> tensor<40x16xf32>
  %g = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<40x32xbf16>, tensor<32x16xbf16>)
      outs(%f : tensor<40x16xf32>) attrs = {dps.contraction} {
  ^bb0(%in: bf16, %in_0: bf16, %out: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %p = arith.mulf %0, %1 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<40x16xf32>
  %r = linalg.generic {indexing_maps = [#id, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%g : tensor<40x16xf32>) outs(%acc : tensor<40x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = arith.truncf %in : f32 to bf16
    %w2 = arith.extf %t : bf16 to f32
    %s = arith.addf %out, %w2 : f32
    linalg.yield %s : f32
  } -> tensor<40x16xf32>
  return %r : tensor<40x16xf32>
}

// -----

// A packed B of at least 65,536 elements (a first layer's weights) is
// packed by all threads: its loop over pairs of rows is marked parallel.
// CHECK-LABEL: func.func @large_pack
// CHECK: scf.for
// CHECK: vector.interleave
// CHECK: } {dps.parallel}
// CHECK: amx.tile_mulf
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @large_pack(%x: tensor<?x512xbf16>, %w: tensor<512x128xbf16>,
                      %acc: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %r = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<?x512xbf16>, tensor<512x128xbf16>)
      outs(%acc : tensor<?x128xf32>) attrs = {dps.contraction} {
  ^bb0(%in: bf16, %in_0: bf16, %out: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %p = arith.mulf %0, %1 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x128xf32>
  return %r : tensor<?x128xf32>
}

// -----

// A weight gradient rounded into its set (bf16) at once: the rounding runs
// on each 32 x 32 block as its tiles leave the tile registers, through a
// [rows, 32] scratch whose rows each band owns, and the f32 matrix of the
// sums is never allocated. 80 rows (two pairs of bands and a single band)
// by 48 columns (a 32-column block and a 16-column one).
// CHECK-LABEL: func.func @fused_epilogue
// CHECK-NOT: memref<80x48xf32>
// CHECK: %[[SCRATCH:.*]] = memref.alloc() {alignment = 64 : i64} : memref<80x32xf32>
// CHECK: scf.for {{.*}} step %c32
// CHECK: amx.tile_zero
// CHECK: amx.tile_mulf
// CHECK-COUNT-4: amx.tile_store %[[SCRATCH]]
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : memref<32x32xf32, strided<[32, 1], offset: ?>>) outs(%{{.*}} : memref<32x32xbf16, strided<[48, 1], offset: ?>>)
// CHECK: arith.truncf
// CHECK-COUNT-2: amx.tile_store %[[SCRATCH]]
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : memref<32x16xf32, strided<[32, 1], offset: ?>>) outs(%{{.*}} : memref<32x16xbf16, strided<[48, 1], offset: ?>>)
// CHECK: } {dps.parallel}
// CHECK: scf.if
// CHECK-COUNT-2: amx.tile_store %[[SCRATCH]]
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : memref<16x32xf32, strided<[32, 1], offset: ?>>)
// CHECK: memref.dealloc %[[SCRATCH]]
// CHECK-NOT: memref<80x48xf32>
// CHECK: return
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(i, j) -> (i, j)>
func.func @fused_epilogue(%x: tensor<80x32xbf16>, %w: tensor<32x48xbf16>,
                          %set: tensor<80x48xbf16>) -> tensor<80x48xbf16> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<80x48xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<80x48xf32>) -> tensor<80x48xf32>
  %g = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<80x32xbf16>, tensor<32x48xbf16>)
      outs(%f : tensor<80x48xf32>) attrs = {dps.contraction} {
  ^bb0(%in: bf16, %in_0: bf16, %out: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %p = arith.mulf %0, %1 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<80x48xf32>
  %r = linalg.generic {indexing_maps = [#id, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%g : tensor<80x48xf32>) outs(%set : tensor<80x48xbf16>) {
  ^bb0(%in: f32, %out: bf16):
    %t = arith.truncf %in : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<80x48xbf16>
  return %r : tensor<80x48xbf16>
}

// -----

// The sums read again after the rounding (here: returned too): C stays,
// the tiles are stored into it, and the rounding stays a pass of its own.
// CHECK-LABEL: func.func @sums_read_twice
// CHECK: amx.tile_store %{{.*}} : memref<64x32xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : memref<64x32xf32>) outs(%{{.*}} : memref<64x32xbf16>)
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(i, j) -> (i, j)>
func.func @sums_read_twice(%x: tensor<64x32xbf16>, %w: tensor<32x32xbf16>,
                           %set: tensor<64x32xbf16>)
    -> (tensor<64x32xbf16>, tensor<64x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x32xf32>) -> tensor<64x32xf32>
  %g = linalg.generic {indexing_maps = [#a, #b, #c],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<64x32xbf16>, tensor<32x32xbf16>)
      outs(%f : tensor<64x32xf32>) attrs = {dps.contraction} {
  ^bb0(%in: bf16, %in_0: bf16, %out: f32):
    %0 = arith.extf %in : bf16 to f32
    %1 = arith.extf %in_0 : bf16 to f32
    %p = arith.mulf %0, %1 : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<64x32xf32>
  %r = linalg.generic {indexing_maps = [#id, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%g : tensor<64x32xf32>) outs(%set : tensor<64x32xbf16>) {
  ^bb0(%in: f32, %out: bf16):
    %t = arith.truncf %in : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<64x32xbf16>
  return %r, %g : tensor<64x32xbf16>, tensor<64x32xf32>
}
