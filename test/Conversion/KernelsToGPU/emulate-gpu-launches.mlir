// RUN: dps-opt %s -split-input-file -dps-test-emulate-gpu-launches -verify-diagnostics | FileCheck %s

// A launch becomes loops over grid z, y, x and block z, y, x, the ids their
// induction variables; device buffers become host ones.
// CHECK-LABEL: func.func @launch
// CHECK-SAME: (%[[N:.*]]: index, %[[OUT:.*]]: memref<?xf32>)
// CHECK: %[[TMP:.*]] = memref.alloc(%[[N]]) : memref<?xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK:   scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK:     scf.for %[[BX:.*]] = %{{.*}} to %[[N]] step
// CHECK:       scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK:           scf.for %[[TX:.*]] = %{{.*}} to %{{.*}} step
// CHECK:             memref.store %{{.*}}, %[[TMP]][%[[BX]]]
// CHECK: memref.dealloc %[[TMP]]
// CHECK-NOT: gpu.
module attributes {gpu.container_module} {
  func.func @launch(%n: index, %out: memref<?xf32>) {
    %c1 = arith.constant 1 : index
    %tmp = gpu.alloc (%n) : memref<?xf32>
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %c1, %gz = %c1)
               threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
      %v = arith.constant 1.0 : f32
      memref.store %v, %tmp[%bx] : memref<?xf32>
      gpu.terminator
    }
    gpu.dealloc %tmp : memref<?xf32>
    return
  }
}

// -----

func.func @warp_wide(%a: i32, %c: f32) {
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    // expected-error @below {{a tensor-core launch cannot run thread by thread}}
    %d = nvvm.mma.sync A[%a, %a, %a, %a] B[%a, %a] C[%c, %c, %c, %c]
      {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>,
       multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>,
       shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
    gpu.terminator
  }
  return
}
