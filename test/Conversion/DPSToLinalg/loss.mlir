// RUN: dps-opt %s -convert-dps-to-linalg -split-input-file | FileCheck %s

// Softmax cross-entropy: row max, sum of exp(x - max), then
// log(sum) + max - x[label]; a label outside [0, C) gives NaN.
// CHECK-LABEL: func.func @sce
// CHECK-SAME: (%[[L:.*]]: tensor<?x10xf32>, %[[Y:.*]]: tensor<?xi32>)
// CHECK: %[[MAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[L]] : tensor<?x10xf32>)
// CHECK: arith.maximumf
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[L]], %[[MAX]] : tensor<?x10xf32>, tensor<?xf32>)
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} ins(%[[MAX]], %[[SUM]], %[[Y]] : tensor<?xf32>, tensor<?xf32>, tensor<?xi32>)
// CHECK: %[[I:.*]] = arith.index_cast %{{.*}} : i32 to index
// CHECK: %[[OK:.*]] = arith.andi
// CHECK: %[[SAFE:.*]] = arith.select %[[OK]], %[[I]]
// CHECK: %[[ROW:.*]] = linalg.index 0
// CHECK: %[[PICK:.*]] = tensor.extract %[[L]][%[[ROW]], %[[SAFE]]]
// CHECK: math.log
// CHECK: arith.select %[[OK]], %{{.*}}, %{{.*}} : f32
func.func @sce(%logits: tensor<?x10xf32>, %labels: tensor<?xi32>) -> tensor<?xf32> {
  %l = dps.softmax_cross_entropy %logits, %labels : tensor<?x10xf32>, tensor<?xi32>
  return %l : tensor<?xf32>
}

// -----

// Its gradient: grad[n] * (softmax - onehot(label)).
// CHECK-LABEL: func.func @sce_grad
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]}
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: linalg.index 1
// CHECK: arith.cmpi eq
// CHECK: arith.subf
// CHECK: arith.mulf
func.func @sce_grad(%logits: tensor<?x10xf32>, %labels: tensor<?xi64>, %g: tensor<?xf32>) -> tensor<?x10xf32> {
  %d = dps.softmax_cross_entropy_grad %logits, %labels, %g : tensor<?x10xf32>, tensor<?xi64>, tensor<?xf32>
  return %d : tensor<?x10xf32>
}

// -----

// MSE: the mean over classes of squared differences, and its gradient
// grad[n] * 2 (p - t) / C.
// CHECK-LABEL: func.func @mse
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]}
// CHECK: %[[D:.*]] = arith.subf
// CHECK: %[[C:.*]] = arith.constant 4.000000e+00 : f32
// CHECK: %[[SQ:.*]] = arith.mulf %[[D]], %[[D]]
// CHECK: arith.divf %[[SQ]], %[[C]]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]}
// CHECK: arith.constant 2.000000e+00 : f32
func.func @mse(%p: tensor<?x4xf32>, %t: tensor<?x4xf32>, %g: tensor<?xf32>) -> (tensor<?xf32>, tensor<?x4xf32>) {
  %l = dps.mse %p, %t : tensor<?x4xf32>
  %d = dps.mse_grad %p, %t, %g : tensor<?x4xf32>, tensor<?xf32>
  return %l, %d : tensor<?xf32>, tensor<?x4xf32>
}
