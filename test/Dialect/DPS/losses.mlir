// RUN: dps-opt %s | dps-opt | FileCheck %s

// CHECK-LABEL: func @losses
func.func @losses(%logits: tensor<?x10xf32>, %labels: tensor<?xi32>, %labels64: tensor<4xi64>,
                  %p: tensor<4x10xf32>, %t: tensor<4x10xf32>) -> (tensor<?xf32>, tensor<4xf32>, tensor<4xf32>) {
  // CHECK: dps.softmax_cross_entropy %{{.*}}, %{{.*}} : tensor<?x10xf32>, tensor<?xi32>
  %a = dps.softmax_cross_entropy %logits, %labels : tensor<?x10xf32>, tensor<?xi32>
  // CHECK: dps.softmax_cross_entropy %{{.*}}, %{{.*}} : tensor<4x10xf32>, tensor<4xi64>
  %b = dps.softmax_cross_entropy %p, %labels64 : tensor<4x10xf32>, tensor<4xi64>
  // CHECK: dps.mse %{{.*}}, %{{.*}} : tensor<4x10xf32>
  %c = dps.mse %p, %t : tensor<4x10xf32>
  return %a, %b, %c : tensor<?xf32>, tensor<4xf32>, tensor<4xf32>
}
