// RUN: dps-opt %s -split-input-file -dps-kernel-buffer-abi -verify-diagnostics | FileCheck %s
// RUN: dps-opt %s -split-input-file -dps-kernel-buffer-abi="emit-c-interface=false" -verify-diagnostics | FileCheck %s --check-prefix=NOCIFACE
// RUN: dps-opt %s -split-input-file -dps-kernel-buffer-abi="stream-master-weights" -verify-diagnostics | FileCheck %s --check-prefix=STREAM

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

// -----

// A loop nest over tiles of an argument buffer updated in place yields its
// iter_arg (the inner loop's result): its result is that argument.
// CHECK-LABEL: func.func @k_tiles(
// CHECK: scf.for
// CHECK: return{{$}}
func.func @k_tiles(%acc: memref<8x8xf32> {dps.role = #dps.role<grad_acc>}) -> memref<8x8xf32>
    attributes {dps.kernel = #dps.kernel<grad>} {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %r = scf.for %i = %c0 to %c8 step %c4 iter_args(%outer = %acc) -> (memref<8x8xf32>) {
    %in = scf.for %j = %c0 to %c8 step %c4 iter_args(%inner = %outer) -> (memref<8x8xf32>) {
      scf.yield %inner : memref<8x8xf32>
    }
    scf.yield %in : memref<8x8xf32>
  }
  return %r : memref<8x8xf32>
}

// -----

// A loop that yields another buffer is not in place.
// expected-error @+1 {{'func.func' op result 0 is not written in place}}
func.func @k_swap(%acc: memref<4xf32> {dps.role = #dps.role<grad_acc>}) -> memref<4xf32>
    attributes {dps.kernel = #dps.kernel<grad>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %other = memref.alloc() : memref<4xf32>
  %r = scf.for %i = %c0 to %c1 step %c1 iter_args(%b = %acc) -> (memref<4xf32>) {
    scf.yield %other : memref<4xf32>
  }
  return %r : memref<4xf32>
}

// -----

// With stream-master-weights the master weights (param) keep dps.stream;
// the momentum and the gradients lose their attributes like the rest.
// STREAM-LABEL: func.func @k_update(
// STREAM-SAME: %{{.*}}: memref<4xf32> {dps.stream}, %{{.*}}: memref<4xf32>, %{{.*}}: memref<4xf32>)
// CHECK-LABEL: func.func @k_update(
// CHECK-NOT: dps.stream
// CHECK: return
func.func @k_update(%w: memref<4xf32> {dps.role = #dps.role<param>},
                    %m: memref<4xf32> {dps.role = #dps.role<opt_state>},
                    %g: memref<4xf32> {dps.role = #dps.role<grad_acc>})
    attributes {dps.kernel = #dps.kernel<update>} {
  return
}
