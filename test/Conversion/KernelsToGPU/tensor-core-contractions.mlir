// RUN: dps-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(dps-gpu-tensor-core-contractions),canonicalize,cse)' | FileCheck %s
// RUN: dps-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(dps-gpu-tensor-core-contractions{chip=sm_75}))' | FileCheck %s --check-prefix=TURING

#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// A bf16 contraction with a dynamic batch: one warp per 16x8 tile, four
// warps a block, a loop over k of mma.sync m16n8k16, bounds-checked
// fragment loads (zero outside) and stores.
// CHECK-LABEL: func.func @bf16
// CHECK-SAME: (%[[A:.*]]: memref<?x784xbf16>, %[[B:.*]]: memref<784x256xbf16>, %[[C:.*]]: memref<?x256xf32>)
// CHECK: %[[M:.*]] = memref.dim %[[C]], %c0
// CHECK: %[[ROWBLOCKS:.*]] = arith.ceildivui %[[M]], %c64
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %[[ROWBLOCKS]], {{.*}} = %c32, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c32, {{.*}} = %c4, {{.*}} = %c1)
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c16 iter_args({{.*}}) -> (f32, f32, f32, f32)
// CHECK: arith.bitcast %{{.*}} : bf16 to i16
// CHECK: arith.shli %{{.*}}, %c16_i32 : i32
// CHECK: nvvm.mma.sync A[{{.*}}, {{.*}}, {{.*}}, {{.*}}] B[{{.*}}, {{.*}}] C[{{.*}}, {{.*}}, {{.*}}, {{.*}}]
// CHECK-SAME: multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>
// CHECK-SAME: shape = #nvvm.shape<m = 16, n = 8, k = 16>
// CHECK-SAME: -> !llvm.struct<(f32, f32, f32, f32)>
// CHECK-COUNT-4: memref.store %{{.*}}, %[[C]]
// CHECK-NOT: linalg.generic
// TURING-LABEL: func.func @bf16
// TURING: linalg.generic
// TURING-NOT: gpu.launch
func.func @bf16(%a: memref<?x784xbf16>, %b: memref<784x256xbf16>, %c: memref<?x256xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x784xbf16>, memref<784x256xbf16>) outs(%c : memref<?x256xf32>) attrs = {dps.contraction} {
  ^bb0(%x: bf16, %y: bf16, %acc: f32):
    %0 = arith.extf %x : bf16 to f32
    %1 = arith.extf %y : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>

// B read transposed (G x W^T): B's loads swap their indices.
// CHECK-LABEL: func.func @transposed
// CHECK-SAME: %[[B:.*]]: memref<10x128xbf16>
// CHECK: nvvm.mma.sync
func.func @transposed(%a: memref<?x10xbf16>, %b: memref<10x128xbf16>, %c: memref<?x128xf32>) {
  linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x10xbf16>, memref<10x128xbf16>) outs(%c : memref<?x128xf32>) attrs = {dps.contraction} {
  ^bb0(%x: bf16, %y: bf16, %acc: f32):
    %0 = arith.extf %x : bf16 to f32
    %1 = arith.extf %y : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>

// f32 operands, and contractions dps did not tag, stay linalg (the SIMT
// path of dps-map-kernels-to-gpu).
// CHECK-LABEL: func.func @not_for_tensor_cores
// CHECK-COUNT-2: linalg.generic
// CHECK-NOT: gpu.launch
func.func @not_for_tensor_cores(%a: memref<?x8xf32>, %b: memref<8x8xf32>, %c: memref<?x8xf32>,
                                %a16: memref<?x8xbf16>, %b16: memref<8x8xbf16>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x8xf32>, memref<8x8xf32>) outs(%c : memref<?x8xf32>) attrs = {dps.contraction} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %2 = arith.mulf %x, %y : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  }
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a16, %b16 : memref<?x8xbf16>, memref<8x8xbf16>) outs(%c : memref<?x8xf32>) {
  ^bb0(%x: bf16, %y: bf16, %acc: f32):
    %0 = arith.extf %x : bf16 to f32
    %1 = arith.extf %y : bf16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  }
  return
}
