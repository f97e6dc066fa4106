// RUN: dps-opt %s --split-input-file --dps-parallelize-tiles | FileCheck %s

// A marked tile loop over buffers (its pass-through iter_arg folds away)
// becomes an scf.parallel with the same bounds; the inner loop stays serial.
// CHECK-LABEL: func.func @tiles
// CHECK: scf.parallel (%[[I:.*]]) = (%c0) to (%[[N:.*]]) step (%c8)
// CHECK:   scf.for
// CHECK:     memref.store
// CHECK:   scf.reduce
// CHECK-NOT: dps.parallel
func.func @tiles(%c: memref<?x4xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  %r = scf.for %i = %c0 to %n step %c8 iter_args(%buf = %c) -> (memref<?x4xf32>) {
    scf.for %j = %c0 to %c4 step %c1 {
      memref.store %one, %buf[%i, %j] : memref<?x4xf32>
    }
    scf.yield %buf : memref<?x4xf32>
  } {dps.parallel}
  return
}

// -----

// A marked loop that still carries a value stays serial (unmarked).
// CHECK-LABEL: func.func @carried
// CHECK-NOT: scf.parallel
// CHECK: scf.for
// CHECK-NOT: dps.parallel
func.func @carried(%n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (f32) {
    %s = arith.addf %acc, %one : f32
    scf.yield %s : f32
  } {dps.parallel}
  return %r : f32
}
