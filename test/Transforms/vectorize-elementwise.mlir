// RUN: dps-opt %s --split-input-file --dps-vectorize-elementwise | FileCheck %s

// A ReLU over a dynamic batch of 100-wide rows: one row at a time, a
// 64-wide vector slice and the static 36-wide rest, peeled.
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @relu
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c1
// CHECK:   %[[ROW:.*]] = memref.subview {{.*}}[1, 64]
// CHECK:   %[[V:.*]] = vector.transfer_read {{.*}} vector<1x64xf32>
// CHECK:   arith.maximumf %[[V]], {{.*}} : vector<1x64xf32>
// CHECK:   vector.transfer_write {{.*}} vector<1x64xf32>
// CHECK:   arith.maximumf {{.*}} : vector<1x36xf32>
// CHECK-NOT: linalg.generic
func.func @relu(%x: memref<?x100xf32>, %y: memref<?x100xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<?x100xf32>) outs(%y : memref<?x100xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// An in-place update (the optimizer's) and a small static op.
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @update
// CHECK: scf.for %{{.*}} = %c0 to %c784 step %c1
// CHECK:   scf.for %{{.*}} = %c0 to %c256 step %c64
// CHECK:     arith.subf {{.*}} : vector<1x64xf32>
// CHECK: arith.mulf {{.*}} : vector<10xf32>
// CHECK-NOT: linalg.generic
func.func @update(%w: memref<784x256xf32>, %g: memref<784x256xf32>,
                  %b: memref<10xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%g : memref<784x256xf32>) outs(%w : memref<784x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.subf %out, %in : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#row], iterator_types = ["parallel"]}
      outs(%b : memref<10xf32>) {
  ^bb0(%out: f32):
    %r = arith.mulf %out, %out : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// The master weights an update writes (dps.stream) leave in non-temporal
// stores of whole cache lines, where the buffer is 64-byte aligned (tested
// once per call); a row that is not whole lines (10 floats), and a buffer
// without the attribute (the momentum), keep plain stores. The attribute
// goes.
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @stream(
// CHECK-SAME: %[[W:[^:]*]]: memref<784x256xf32>, %[[M:[^:]*]]: memref<784x256xf32>,
// CHECK-SAME: %[[B:[^:]*]]: memref<10xf32>)
// CHECK-NOT: dps.stream
// CHECK: %[[P:.*]] = memref.extract_aligned_pointer_as_index %[[W]]
// CHECK: %[[REM:.*]] = arith.remui %[[P]], %c64
// CHECK: %[[ALIGNED:.*]] = arith.cmpi eq, %[[REM]], %c0
// CHECK: scf.for %{{.*}} = %{{.*}} to %c784 step %c1
// CHECK:   scf.for %[[J:.*]] = %{{.*}} to %c256 step %{{.*}}
// CHECK:     %[[ROW:.*]] = memref.subview %[[W]][%{{.*}}, %[[J]]] [1, 64]
// CHECK:     %[[V:.*]] = vector.shape_cast %{{.*}} : vector<1x64xf32> to vector<64xf32>
// CHECK:     scf.if %[[ALIGNED]] {
// CHECK:       vector.store %[[V]], %[[ROW]][%{{.*}}, %{{.*}}] {alignment = 64 : i64, nontemporal = true}
// CHECK:     } else {
// CHECK:       vector.store %[[V]], %[[ROW]][%{{.*}}, %{{.*}}] :
// CHECK:     }
// CHECK:     vector.transfer_write {{.*}} vector<1x64xf32>
// CHECK: vector.transfer_write {{.*}} : vector<10xf32>, memref<10xf32>
// CHECK-NOT: nontemporal
func.func @stream(%w: memref<784x256xf32> {dps.stream},
                  %m: memref<784x256xf32>,
                  %b: memref<10xf32> {dps.stream}) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      outs(%w, %m : memref<784x256xf32>, memref<784x256xf32>) {
  ^bb0(%out: f32, %mom: f32):
    %n = arith.mulf %mom, %mom : f32
    %r = arith.subf %out, %n : f32
    linalg.yield %r, %n : f32, f32
  }
  linalg.generic {indexing_maps = [#row], iterator_types = ["parallel"]}
      outs(%b : memref<10xf32>) {
  ^bb0(%out: f32):
    %r = arith.mulf %out, %out : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A reduction over the batch (a bias gradient) is tiled the same way: each
// row's slices are added into the 64- and 36-wide slices of the sums,
// elementwise.
// CHECK-LABEL: func.func @reduction
// CHECK: scf.for
// CHECK:   %[[R:.*]] = vector.extract %{{.*}}[0] : vector<64xf32> from vector<1x64xf32>
// CHECK:   arith.addf %[[R]], %{{.*}} : vector<64xf32>
// CHECK:   %[[T:.*]] = vector.extract %{{.*}}[0] : vector<36xf32> from vector<1x36xf32>
// CHECK:   arith.addf %[[T]], %{{.*}} : vector<36xf32>
// CHECK-NOT: linalg.generic
// CHECK-NOT: vector.multi_reduction
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
func.func @reduction(%x: memref<?x100xf32>, %s: memref<100xf32>) {
  linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<?x100xf32>) outs(%s : memref<100xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %out : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Ops on tensors (before bufferization) are left alone.
// CHECK-LABEL: func.func @tensors
// CHECK: linalg.generic
// CHECK-NOT: vector.
#id = affine_map<(d0) -> (d0)>
func.func @tensors(%x: tensor<128xf32>) -> tensor<128xf32> {
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<128xf32>) outs(%x : tensor<128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<128xf32>
  return %r : tensor<128xf32>
}

// -----

// A reduction of everything into one value (an amax, an overflow check):
// each 64-wide slice is one vector.reduction (a tree of shuffles), not a
// chain of 64 scalar maxima, and the running value stays in a register
// through the loops (read before them, written after), not in its 0-d
// buffer on every slice.
// CHECK-LABEL: func.func @amax
// CHECK-SAME: %{{.*}}: memref<?x100xf32>, %[[M:.*]]: memref<f32>
// CHECK: %[[INIT:.*]] = vector.transfer_read %[[M]][]
// CHECK: %[[ROWS:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[INIT]]) -> (vector<f32>)
// CHECK-NOT: %[[M]]
// CHECK:   vector.reduction <maxnumf>, %{{.*}} : vector<64xf32> into f32
// CHECK-NOT: %[[M]]
// CHECK:   vector.reduction <maxnumf>, %{{.*}} : vector<36xf32> into f32
// CHECK: vector.transfer_write %[[ROWS]], %[[M]][]
// CHECK-NOT: vector.multi_reduction
// CHECK-NOT: vector.extract %{{.*}}[63]
#id = affine_map<(d0, d1) -> (d0, d1)>
#all = affine_map<(d0, d1) -> ()>
func.func @amax(%x: memref<?x100xf32>, %m: memref<f32>) {
  linalg.generic {indexing_maps = [#id, #all], iterator_types = ["reduction", "reduction"]}
      ins(%x : memref<?x100xf32>) outs(%m : memref<f32>) {
  ^bb0(%in: f32, %out: f32):
    %a = math.absf %in : f32
    %r = arith.maxnumf %a, %out : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// With an innermost dimension that 64 divides and an idempotent combiner
// (max, min, and, or), the slices combine lane by lane instead: a 64-lane
// running value starts as the output's value in every lane (through a
// stack buffer only ever accessed as one vector), stays in a register
// through both loops (the 256 columns as 4 x 64), and one
// vector.reduction combines the lanes into the output after them.
// CHECK-LABEL: func.func @amax_in_lanes
// CHECK-SAME: %[[X:.*]]: memref<?x256xf32>, %[[M:.*]]: memref<i32>
// CHECK: %[[LANES:.*]] = memref.alloca() : memref<64xi32>
// CHECK: %[[OUT:.*]] = vector.transfer_read %[[M]][]
// CHECK: vector.broadcast %[[OUT]] : vector<i32> to vector<64xi32>
// CHECK: memref.expand_shape %[[X]] {{\[}}[0], [1, 2]] output_shape [%{{.*}}, 4, 64]
// CHECK: %[[INIT:.*]] = vector.transfer_read %[[LANES]]
// CHECK: %[[ROWS:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[INIT]]) -> (vector<64xi32>)
// CHECK:   scf.for {{.*}} -> (vector<64xi32>)
// CHECK-NOT: vector.reduction
// CHECK:     arith.maxui %{{.*}}, %{{.*}} : vector<64xi32>
// CHECK: vector.transfer_write %[[ROWS]], %[[LANES]]
// CHECK: vector.reduction <maxui>, %{{.*}}, %{{.*}} : vector<64xi32> into i32
// CHECK: vector.transfer_write %{{.*}}, %[[M]][]
// CHECK-NOT: vector.reduction
#id = affine_map<(d0, d1) -> (d0, d1)>
#all = affine_map<(d0, d1) -> ()>
func.func @amax_in_lanes(%x: memref<?x256xf32>, %m: memref<i32>) {
  %mask = arith.constant 2147483647 : i32
  linalg.generic {indexing_maps = [#id, #all], iterator_types = ["reduction", "reduction"]}
      ins(%x : memref<?x256xf32>) outs(%m : memref<i32>) {
  ^bb0(%in: f32, %out: i32):
    %bits = arith.bitcast %in : f32 to i32
    %abs = arith.andi %bits, %mask : i32
    %r = arith.maxui %out, %abs : i32
    linalg.yield %r : i32
  }
  return
}

// -----

// An overflow check (every value finite: an `and` into an i1) likewise.
// CHECK-LABEL: func.func @all_finite
// CHECK: memref.alloca() : memref<64xi1>
// CHECK: scf.for {{.*}} -> (vector<64xi1>)
// CHECK:   arith.andi %{{.*}}, %{{.*}} : vector<64xi1>
// CHECK: vector.reduction <and>, %{{.*}}, %{{.*}} : vector<64xi1> into i1
#id = affine_map<(d0, d1) -> (d0, d1)>
#all = affine_map<(d0, d1) -> ()>
func.func @all_finite(%x: memref<128x128xbf16>, %ok: memref<i1>) {
  %inf = arith.constant 0x7F800000 : f32
  linalg.generic {indexing_maps = [#id, #all], iterator_types = ["reduction", "reduction"]}
      ins(%x : memref<128x128xbf16>) outs(%ok : memref<i1>) {
  ^bb0(%in: bf16, %out: i1):
    %w = arith.extf %in : bf16 to f32
    %a = math.absf %w : f32
    %f = arith.cmpf olt, %a, %inf : f32
    %r = arith.andi %out, %f : i1
    linalg.yield %r : i1
  }
  return
}

// -----

// A sum into one value is not idempotent (its output's value may not start
// every lane): each slice is reduced into the scalar as before.
// CHECK-LABEL: func.func @sum_of_everything
// CHECK-NOT: memref.alloca
// CHECK: scf.for {{.*}} -> (vector<f32>)
// CHECK:   vector.reduction <add>, %{{.*}}, %{{.*}} : vector<64xf32> into f32
#id = affine_map<(d0, d1) -> (d0, d1)>
#all = affine_map<(d0, d1) -> ()>
func.func @sum_of_everything(%x: memref<?x128xf32>, %s: memref<f32>) {
  linalg.generic {indexing_maps = [#id, #all], iterator_types = ["reduction", "reduction"]}
      ins(%x : memref<?x128xf32>) outs(%s : memref<f32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %out, %in : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// An im2col gather (windows[n, y, x, ky, kx, c] = image[n, y + ky, x + kx, c])
// tiled into rows of its channels: within a tile every other loop runs once,
// so the image is read through the tile's plain dimensions and each tile is
// one vector copy, not a scalar load and store per channel.
#gather = affine_map<(n, y, x, ky, kx, c) -> (n, y + ky, x + kx, c)>
#windows = affine_map<(n, y, x, ky, kx, c) -> (n, y, x, ky, kx, c)>
// CHECK-LABEL: func.func @im2col
// CHECK: vector.transfer_read {{.*}} : memref<1x1x1x16xf32, {{.*}}>, vector<1x1x1x16xf32>
// CHECK: vector.transfer_write {{.*}} : vector<1x1x1x1x1x16xf32>, memref<1x1x1x1x1x16xf32, {{.*}}>
// CHECK-NOT: linalg.generic
// CHECK-NOT: memref.load
func.func @im2col(%image: memref<?x16x16x16xf32>,
                  %windows: memref<?x14x14x3x3x16xf32>) {
  linalg.generic {indexing_maps = [#gather, #windows],
                  iterator_types = ["parallel", "parallel", "parallel",
                                    "parallel", "parallel", "parallel"]}
      ins(%image : memref<?x16x16x16xf32>)
      outs(%windows : memref<?x14x14x3x3x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}

// -----

// A refresh's VNNI pack of a rounded weight matrix: each pair of rows'
// 16-column slices rounded from the f32 masters in registers and
// interleaved into the packed copy; the rounded matrix is never stored.
#id = affine_map<(d0, d1) -> (d0, d1)>
#pack = affine_map<(d0, d1, d2) -> (d0 * 2 + d2, d1)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @pack_rounded
// CHECK-SAME: %[[M:.*]]: memref<8x32xf32>, %[[P:.*]]: memref<4x32x2xbf16>
// CHECK-NOT: memref.alloc
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %[[P]] {{\[}}[0], [1, 2]]
// CHECK: scf.for %[[K2:.*]] = %c0 to %c4 step %c1
// CHECK: vector.load %[[M]][%{{.*}}, %c0] : memref<8x32xf32>, vector<16xf32>
// CHECK: arith.truncf %{{.*}} : vector<16xf32> to vector<16xbf16>
// CHECK: vector.interleave %{{.*}}, %{{.*}} : vector<16xi16> -> vector<32xi16>
// CHECK: vector.store %{{.*}}, %[[FLAT]][%[[K2]], %c0] : memref<4x64xbf16>, vector<32xbf16>
// CHECK-NOT: linalg.generic
func.func @pack_rounded(%m: memref<8x32xf32>, %p: memref<4x32x2xbf16>) {
  %r = memref.alloc() : memref<8x32xbf16>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m : memref<8x32xf32>) outs(%r : memref<8x32xbf16>) {
  ^bb0(%in: f32, %out: bf16):
    %t = arith.truncf %in : f32 to bf16
    linalg.yield %t : bf16
  }
  linalg.generic {indexing_maps = [#pack, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r : memref<8x32xbf16>) outs(%p : memref<4x32x2xbf16>) attrs = {dps.vnni_pack} {
  ^bb0(%in: bf16, %out: bf16):
    linalg.yield %in : bf16
  }
  memref.dealloc %r : memref<8x32xbf16>
  return
}

// -----

// A VNNI pack of B^T (a column block's transposed B, dps-vectorize-
// contractions): a pair of k is one 32-bit unit of a B^T row, so P is B^T's
// units transposed, 16 x 16 of them at a time in registers (one shuffle
// each), not element by element.
#packt = affine_map<(d0, d1, d2) -> (d1, d0 * 2 + d2)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @pack_transposed
// CHECK-SAME: %[[BT:.*]]: memref<32x64xbf16>, %[[P:.*]]: memref<32x32x2xbf16>
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %[[P]] {{\[}}[0], [1, 2]]
// CHECK: vector.load %[[BT]][%{{.*}}, %{{.*}}] : memref<32x64xbf16>, vector<32xbf16>
// CHECK: vector.bitcast %{{.*}} : vector<32xbf16> to vector<16xi32>
// CHECK: vector.shuffle
// CHECK: vector.store %{{.*}}, %[[FLAT]][%{{.*}}, %{{.*}}] : memref<32x64xbf16>, vector<32xbf16>
// CHECK-NOT: memref.load
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @pack_transposed(%bt: memref<32x64xbf16>, %p: memref<32x32x2xbf16>) {
  linalg.generic {indexing_maps = [#packt, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%bt : memref<32x64xbf16>) outs(%p : memref<32x32x2xbf16>) attrs = {dps.vnni_pack} {
  ^bb0(%in: bf16, %out: bf16):
    linalg.yield %in : bf16
  }
  return
}

// -----

// A VNNI copy unpacked for an op that reads the matrix (a backward
// product's transposed weights): pairs of rows deinterleaved 16 columns at
// a time.
#unpack = affine_map<(d0, d1) -> (d0 floordiv 2, d1, d0 mod 2)>
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @unpack
// CHECK-SAME: %[[P:.*]]: memref<4x32x2xbf16>, %[[W:.*]]: memref<8x32xbf16>
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %[[P]] {{\[}}[0], [1, 2]]
// CHECK: scf.for %[[K2:.*]] = %c0 to %c4 step %c1
// CHECK: %[[PAIR:.*]] = vector.load %[[FLAT]][%[[K2]], %c32] : memref<4x64xbf16>, vector<32xbf16>
// CHECK: vector.deinterleave %{{.*}} : vector<32xi16> -> vector<16xi16>
// CHECK: vector.store %{{.*}}, %[[W]][%{{.*}}, %c16] : memref<8x32xbf16>, vector<16xbf16>
// CHECK-NOT: linalg.generic
func.func @unpack(%p: memref<4x32x2xbf16>, %w: memref<8x32xbf16>) {
  linalg.generic {indexing_maps = [#unpack, #id], iterator_types = ["parallel", "parallel"]}
      ins(%p : memref<4x32x2xbf16>) outs(%w : memref<8x32xbf16>) attrs = {dps.vnni_unpack} {
  ^bb0(%in: bf16, %out: bf16):
    linalg.yield %in : bf16
  }
  return
}
