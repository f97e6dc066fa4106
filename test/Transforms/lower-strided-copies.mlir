// RUN: dps-opt %s -pass-pipeline="builtin.module(func.func(dps-lower-strided-copies))" | FileCheck %s
// RUN: dps-opt %s -pass-pipeline="builtin.module(func.func(dps-lower-strided-copies{transpose-block=8}))" | FileCheck %s --check-prefix=AVX2
// RUN: not dps-opt %s -pass-pipeline="builtin.module(func.func(dps-lower-strided-copies{transpose-block=4}))" 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: transpose-block must be 16 or 8, not 4

// CHECK-LABEL: func.func @copies
// CHECK-SAME: (%[[A:.*]]: memref<8xf32>, %[[B:.*]]: memref<8xf32>, %[[N:.*]]: index)
// CHECK: memref.copy %[[A]], %[[B]] : memref<8xf32> to memref<8xf32>
// CHECK: %[[VIEW:.*]] = memref.subview %[[B]]
// CHECK: linalg.copy ins(%{{.*}} : memref<?xf32>) outs(%[[VIEW]] : memref<?xf32, strided<[1], offset: 2>>)
// CHECK-NOT: memref.copy
func.func @copies(%a: memref<8xf32>, %b: memref<8xf32>, %n: index) {
  memref.copy %a, %b : memref<8xf32> to memref<8xf32>
  %view = memref.subview %b[2] [%n] [1] : memref<8xf32> to memref<?xf32, strided<[1], offset: 2>>
  %c = memref.alloc(%n) : memref<?xf32>
  memref.copy %c, %view : memref<?xf32> to memref<?xf32, strided<[1], offset: 2>>
  memref.dealloc %c : memref<?xf32>
  return
}

// Rows of a static length with unit stride on both sides (an input batch
// copied into a K-padded operand): a loop of row copies, each between
// contiguous views (llvm.memcpy after finalize-memref-to-llvm).
// CHECK-LABEL: func.func @rows
// CHECK-SAME: (%[[X:.*]]: memref<?x784xbf16>, %[[N:.*]]: index)
// CHECK: %[[PAD:.*]] = memref.subview
// CHECK: %[[ROWS:.*]] = memref.dim %[[X]], %c0
// CHECK: scf.for %[[I:.*]] = %c0 to %[[ROWS]] step %c1 {
// CHECK-NEXT: %[[FROM:.*]] = memref.subview %[[X]][%[[I]], 0] [1, 784] [1, 1] : memref<?x784xbf16> to memref<784xbf16, strided<[1], offset: ?>>
// CHECK-NEXT: %[[TO:.*]] = memref.subview %[[PAD]][%[[I]], 0] [1, 784] [1, 1] : memref<?x784xbf16, strided<[800, 1]>> to memref<784xbf16, strided<[1], offset: ?>>
// CHECK-NEXT: memref.copy %[[FROM]], %[[TO]]
// CHECK-NEXT: }
// CHECK-NOT: linalg.copy
func.func @rows(%x: memref<?x784xbf16>, %n: index) -> memref<?x800xbf16> {
  %a = memref.alloc(%n) : memref<?x800xbf16>
  %v = memref.subview %a[0, 0] [%n, 784] [1, 1] : memref<?x800xbf16> to memref<?x784xbf16, strided<[800, 1]>>
  memref.copy %x, %v : memref<?x784xbf16> to memref<?x784xbf16, strided<[800, 1]>>
  return %a : memref<?x800xbf16>
}

// Rows of a dynamic length, or columns (a strided innermost dimension):
// element loops.
// CHECK-LABEL: func.func @no_static_rows
// CHECK: linalg.copy ins(%{{.*}} : memref<4x?xf32>)
// CHECK: linalg.copy ins(%{{.*}} : memref<8x4xf32, strided<[1, 8]>>)
// CHECK-NOT: memref.copy
func.func @no_static_rows(%a: memref<4x?xf32>, %b: memref<4x16xf32>, %n: index,
                          %c: memref<8x8xf32>, %d: memref<8x4xf32>) {
  %v = memref.subview %b[0, 0] [4, %n] [1, 1] : memref<4x16xf32> to memref<4x?xf32, strided<[16, 1]>>
  memref.copy %a, %v : memref<4x?xf32> to memref<4x?xf32, strided<[16, 1]>>
  %u = memref.reinterpret_cast %c to offset: [0], sizes: [8, 4], strides: [1, 8] : memref<8x8xf32> to memref<8x4xf32, strided<[1, 8]>>
  memref.copy %u, %d : memref<8x4xf32, strided<[1, 8]>> to memref<8x4xf32>
  return
}

// A 2-D transpose with contiguous rows on both sides (a contraction
// operand read transposed): 16 x 16 blocks loaded as 16 rows, transposed
// in registers by one shuffle and stored as 16 rows; then the rows past
// the whole blocks, and the columns past them, element by element.
// CHECK-LABEL: func.func @transpose_bf16
// CHECK-SAME: (%[[X:.*]]: memref<?x784xbf16, strided<[784, 1]>>, %[[T:.*]]: memref<784x?xbf16>)
// CHECK-NOT: linalg.transpose
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %{{.*}} step %c16 {
// CHECK-NEXT: scf.for %{{.*}} = %c0{{.*}} to %{{.*}} step %c16 {
// CHECK-COUNT-16: vector.load %[[X]][{{.*}}] : memref<?x784xbf16, strided<[784, 1]>>, vector<16xbf16>
// CHECK: vector.shuffle {{.*}} : vector<256xi16>, vector<256xi16>
// CHECK-COUNT-16: vector.store %{{.*}}, %[[T]][{{.*}}] : memref<784x?xbf16>, vector<16xbf16>
// CHECK: memref.load %[[X]]
// CHECK-NEXT: memref.store %{{.*}}, %[[T]]
// CHECK: memref.load %[[X]]
// CHECK-NEXT: memref.store %{{.*}}, %[[T]]
// CHECK: return
func.func @transpose_bf16(%x: memref<?x784xbf16, strided<[784, 1]>>, %t: memref<784x?xbf16>) {
  linalg.transpose ins(%x : memref<?x784xbf16, strided<[784, 1]>>) outs(%t : memref<784x?xbf16>) permutation = [1, 0]
  return
}

// f32 blocks are transposed as 32-bit units. With transpose-block=8 (AVX2)
// they are 8 x 8 blocks of f32, transposed by 24 two-source shuffles of 8
// lanes (unpacks, in-lane shuffles, lane permutes); 16-bit elements keep
// their 16 x 16 blocks.
// AVX2-LABEL: func.func @transpose_bf16
// AVX2: vector.shuffle {{.*}} : vector<256xi16>, vector<256xi16>
// AVX2-LABEL: func.func @transpose_f32
// AVX2: scf.for %{{.*}} step %c8
// AVX2-NEXT: scf.for %{{.*}} step %c8
// AVX2-COUNT-8: vector.load %{{.*}} : memref<256x128xf32>, vector<8xf32>
// AVX2-NOT: vector.transpose
// AVX2-COUNT-8: vector.shuffle {{.*}} [{{0, 8, 1, 9, 4, 12, 5, 13|2, 10, 3, 11, 6, 14, 7, 15}}] : vector<8xf32>, vector<8xf32>
// AVX2-COUNT-8: vector.shuffle {{.*}} [{{0, 1, 8, 9, 4, 5, 12, 13|2, 3, 10, 11, 6, 7, 14, 15}}] : vector<8xf32>, vector<8xf32>
// AVX2-COUNT-8: vector.shuffle {{.*}} [{{0, 1, 2, 3, 8, 9, 10, 11|4, 5, 6, 7, 12, 13, 14, 15}}] : vector<8xf32>, vector<8xf32>
// AVX2-COUNT-8: vector.store %{{.*}} : memref<128x256xf32>, vector<8xf32>
// CHECK-LABEL: func.func @transpose_f32
// CHECK-COUNT-16: vector.load %{{.*}} : memref<256x128xf32>, vector<16xf32>
// CHECK: vector.shuffle {{.*}} : vector<256xi32>, vector<256xi32>
// CHECK-COUNT-16: vector.store %{{.*}} : memref<128x256xf32>, vector<16xf32>
func.func @transpose_f32(%w: memref<256x128xf32>, %t: memref<128x256xf32>) {
  linalg.transpose ins(%w : memref<256x128xf32>) outs(%t : memref<128x256xf32>) permutation = [1, 0]
  return
}

// Other element widths, or rows that are not contiguous, stay (element
// loops later).
// CHECK-LABEL: func.func @transpose_kept
// CHECK: linalg.transpose ins(%{{.*}} : memref<32x32xi8>)
// CHECK: linalg.transpose ins(%{{.*}} : memref<32x32xf32, strided<[1, 32]>>)
func.func @transpose_kept(%a: memref<32x32xi8>, %b: memref<32x32xi8>,
                          %c: memref<32x32xf32, strided<[1, 32]>>, %d: memref<32x32xf32>) {
  linalg.transpose ins(%a : memref<32x32xi8>) outs(%b : memref<32x32xi8>) permutation = [1, 0]
  linalg.transpose ins(%c : memref<32x32xf32, strided<[1, 32]>>) outs(%d : memref<32x32xf32>) permutation = [1, 0]
  return
}
