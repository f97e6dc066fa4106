// RUN: dps-opt %s -split-input-file -dps-kernel-buffer-abi -verify-diagnostics | FileCheck %s
// RUN: dps-opt %s -split-input-file -dps-kernel-buffer-abi="emit-c-interface=false" -verify-diagnostics | FileCheck %s --check-prefix=NOCIFACE

// Results that are the kernel's own argument buffers are dropped; dps
// attributes go; the kernel gets a C interface.
// CHECK-LABEL: func.func @k_grad(
// CHECK-SAME: %[[A:.*]]: memref<4xf32>, %[[B:.*]]: memref<4xf32>)
// CHECK-NOT: dps.role
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK: return{{$}}
// NOCIFACE-LABEL: func.func @k_grad(
// NOCIFACE-NOT: llvm.emit_c_interface
// Functions that are not kernels are left alone.
// CHECK-LABEL: func.func @other
// CHECK: return %{{.*}} : memref<4xf32>
func.func @k_grad(%a: memref<4xf32> {dps.role = #dps.role<input>},
                  %b: memref<4xf32> {dps.role = #dps.role<grad_acc>}) -> memref<4xf32>
    attributes {dps.kernel = #dps.kernel<grad>, dps.precision = #dps.precision<f32>} {
  return %b : memref<4xf32>
}
func.func @other(%a: memref<4xf32>) -> memref<4xf32> {
  return %a : memref<4xf32>
}

// -----

// A result bufferization had to allocate is not written in place.
// expected-error @+1 {{'func.func' op result 0 is not written in place into an argument buffer; bufferization had to allocate it}}
func.func @k_grad(%a: memref<4xf32>) -> memref<4xf32> attributes {dps.kernel = #dps.kernel<grad>} {
  %b = memref.alloc() : memref<4xf32>
  return %b : memref<4xf32>
}
