// RUN: dps-opt %s -pass-pipeline="builtin.module(func.func(dps-lower-strided-copies))" | FileCheck %s

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
