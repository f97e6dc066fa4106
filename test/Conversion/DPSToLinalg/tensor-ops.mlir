// RUN: dps-opt %s -convert-dps-to-linalg | FileCheck %s

// Softmax along the last axis: the row maximum, the sum of exp(x - max), then
// exp(x - max) / sum, all in f32.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[SUMIN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[SUMOUT:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG: #[[BLHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[BRHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[BOUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @softmax
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[MAXINIT:.*]] = linalg.fill ins(%[[NEG]] : f32)
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK: arith.maximumf
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %[[MAX]] :
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %[[MAX]], %[[SUM]] :
// CHECK: math.exp
// CHECK: arith.divf
func.func @softmax(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %y = dps.softmax %x axis = 1 : tensor<?x10xf32>
  return %y : tensor<?x10xf32>
}

// A broadcast operand is read through a map without the stretched dimension.
// CHECK-LABEL: func.func @broadcast_add
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[BIAS]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK: arith.addf
func.func @broadcast_add(%x: tensor<?x10xf32>, %b: tensor<10xf32>) -> tensor<?x10xf32> {
  %y = dps.add %x, %b : tensor<?x10xf32>, tensor<10xf32>
  return %y : tensor<?x10xf32>
}

// sum_to reduces the dimension the result lacks and the one it has as 1.
// CHECK-LABEL: func.func @sum_to
// CHECK: linalg.generic {indexing_maps = [#[[SUMIN]], #[[SUMOUT]]], iterator_types = ["reduction", "parallel", "reduction"]}
func.func @sum_to(%g: tensor<3x4x5xf32>) -> tensor<4x1xf32> {
  %r = dps.sum_to %g : tensor<3x4x5xf32> to tensor<4x1xf32>
  return %r : tensor<4x1xf32>
}

// A batched matmul: one more parallel loop, over the batch.
// CHECK-LABEL: func.func @batched_matmul
// CHECK: linalg.generic {indexing_maps = [#[[BLHS]], #[[BRHS]], #[[BOUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
func.func @batched_matmul(%a: tensor<2x3x4xf32>, %b: tensor<2x5x4xf32>) -> tensor<2x3x5xf32> {
  %c = dps.matmul %a, %b transpose_rhs : tensor<2x3x4xf32>, tensor<2x5x4xf32>
  return %c : tensor<2x3x5xf32>
}

// CHECK-LABEL: func.func @transpose
// CHECK: linalg.transpose ins(%{{.*}} : tensor<?x1x28x28xbf16>) outs(%{{.*}} : tensor<?x28x28x1xbf16>) permutation = [0, 2, 3, 1]
func.func @transpose(%x: tensor<?x1x28x28xbf16>) -> tensor<?x28x28x1xbf16> {
  %t = dps.transpose %x permutation = [0, 2, 3, 1] : tensor<?x1x28x28xbf16>
  return %t : tensor<?x28x28x1xbf16>
}
