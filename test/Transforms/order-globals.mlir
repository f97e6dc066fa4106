// RUN: dps-opt %s --dps-order-globals | FileCheck %s

// Globals go first, sorted by name; the functions keep their order and
// their uses of the globals.
// CHECK: module
// CHECK-NEXT: memref.global "private" constant @__constant_xi1
// CHECK-NEXT: memref.global "private" constant @__constant_xi32
// CHECK-NEXT: memref.global "private" @zeta
// CHECK-NEXT: func.func @first
// CHECK: memref.get_global @__constant_xi32
// CHECK: func.func @second
// CHECK: memref.get_global @__constant_xi1
module {
  func.func @first() -> memref<i32> {
    %0 = memref.get_global @__constant_xi32 : memref<i32>
    return %0 : memref<i32>
  }
  memref.global "private" constant @__constant_xi32 : memref<i32> = dense<0>
  memref.global "private" @zeta : memref<4xf32> = uninitialized
  func.func @second() -> memref<i1> {
    %0 = memref.get_global @__constant_xi1 : memref<i1>
    return %0 : memref<i1>
  }
  memref.global "private" constant @__constant_xi1 : memref<i1> = dense<true>
}
