// RUN: dps-opt %s -convert-dps-to-linalg -split-input-file | FileCheck %s

// A dense layer: the bias broadcast into an f32 accumulator, then the
// contraction (m, n, k) adds x[m, k] * w[k, n] into it.
// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @dense
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>, %[[W:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %c0
// CHECK: %[[INIT:.*]] = tensor.empty(%[[N]]) : tensor<?x3xf32>
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[BIAS]], #[[ROWS]]], iterator_types = ["parallel", "parallel"]} ins(%[[B]] : tensor<3xf32>) outs(%[[INIT]] : tensor<?x3xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]], %[[W]] : tensor<?x4xf32>, tensor<4x3xf32>) outs(%[[ACC]] : tensor<?x3xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[C:.*]]: f32, %[[O:.*]]: f32):
// CHECK-NEXT:   %[[P:.*]] = arith.mulf %[[A]], %[[C]] : f32
// CHECK-NEXT:   %[[S:.*]] = arith.addf %[[O]], %[[P]] : f32
// CHECK-NEXT:   linalg.yield %[[S]] : f32
// CHECK: return %[[Y]]
func.func @dense(%x: tensor<?x4xf32>, %w: tensor<4x3xf32>, %b: tensor<3xf32>) -> tensor<?x3xf32> {
  %y = dps.dense %x, %w, %b : tensor<?x4xf32>, tensor<4x3xf32>, tensor<3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// bf16 operands are widened as they are read and accumulate in f32; the
// result is rounded to bf16 once.
// CHECK-LABEL: func.func @dense_bf16
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<8x3xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<8x4xbf16>, tensor<4x3xbf16>) outs(%[[ZERO]] : tensor<8x3xf32>)
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.mulf %{{.*}} : f32
// CHECK: linalg.generic {{.*}} ins(%[[Y]] : tensor<8x3xf32>) outs(%{{.*}} : tensor<8x3xbf16>)
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @dense_bf16(%x: tensor<8x4xbf16>, %w: tensor<4x3xbf16>) -> tensor<8x3xbf16> {
  %y = dps.dense %x, %w : tensor<8x4xbf16>, tensor<4x3xbf16>
  return %y : tensor<8x3xbf16>
}

// -----

// Transposed operands only change the indexing maps.
// CHECK-DAG: #[[TA:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[TB:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmuls
// CHECK: linalg.generic {indexing_maps = [#[[TA]], #[[B]], #[[C]]], {{.*}} ins({{.*}} : tensor<?x4xf32>, tensor<?x3xf32>) outs({{.*}} : tensor<4x3xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[TB]], #[[C]]], {{.*}} ins({{.*}} : tensor<?x3xf32>, tensor<4x3xf32>) outs({{.*}} : tensor<?x4xf32>)
func.func @matmuls(%x: tensor<?x4xf32>, %dy: tensor<?x3xf32>, %w: tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<?x4xf32>) {
  %dw = dps.matmul %x, %dy transpose_lhs : tensor<?x4xf32>, tensor<?x3xf32>
  %dx = dps.matmul %dy, %w transpose_rhs : tensor<?x3xf32>, tensor<4x3xf32>
  return %dw, %dx : tensor<4x3xf32>, tensor<?x4xf32>
}

// -----

// sum_rows reduces the leading dimension; add writes into its left operand.
// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[DROP:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @sum_and_add
// CHECK-SAME: (%[[X:.*]]: tensor<?x2x3xf32>, %[[ACC:.*]]: tensor<2x3xf32>)
// CHECK: %[[S:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[DROP]]], iterator_types = ["reduction", "parallel", "parallel"]} ins(%[[X]] : tensor<?x2x3xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[ID2]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[S]] : tensor<2x3xf32>) outs(%[[ACC]] : tensor<2x3xf32>)
// CHECK: arith.addf
func.func @sum_and_add(%x: tensor<?x2x3xf32>, %acc: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %s = dps.sum_rows %x : tensor<?x2x3xf32>
  %a = dps.add %acc, %s : tensor<2x3xf32>
  return %a : tensor<2x3xf32>
}
