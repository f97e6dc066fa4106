// RUN: dps-opt %s -split-input-file | dps-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func @algebra
func.func @algebra(%a: tensor<?x4xf32>, %b: tensor<3x4xf32>, %c: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<4x3xf32>, tensor<3xf32>, tensor<?x3xf32>) {
  // CHECK: dps.matmul %{{.*}}, %{{.*}} transpose_rhs : tensor<?x4xf32>, tensor<3x4xf32>
  %x = dps.matmul %a, %b transpose_rhs : tensor<?x4xf32>, tensor<3x4xf32>
  // CHECK: dps.matmul %{{.*}}, %{{.*}} transpose_lhs : tensor<?x4xf32>, tensor<?x3xf32>
  %y = dps.matmul %a, %c transpose_lhs : tensor<?x4xf32>, tensor<?x3xf32>
  // CHECK: dps.sum_rows %{{.*}} : tensor<?x3xf32>
  %z = dps.sum_rows %c : tensor<?x3xf32>
  // CHECK: dps.add %{{.*}}, %{{.*}} : tensor<?x3xf32>
  %w = dps.add %x, %c : tensor<?x3xf32>
  return %x, %y, %z, %w : tensor<?x3xf32>, tensor<4x3xf32>, tensor<3xf32>, tensor<?x3xf32>
}

// -----

// CHECK-LABEL: func @matmul_both_transposed
// CHECK: dps.matmul %{{.*}}, %{{.*}} transpose_lhs transpose_rhs : tensor<4x2xbf16>, tensor<3x4xbf16>
func.func @matmul_both_transposed(%a: tensor<4x2xbf16>, %b: tensor<3x4xbf16>) -> tensor<2x3xbf16> {
  %x = dps.matmul %a, %b transpose_lhs transpose_rhs : tensor<4x2xbf16>, tensor<3x4xbf16>
  return %x : tensor<2x3xbf16>
}

// -----

// CHECK-LABEL: func @windows
func.func @windows(%x: tensor<?x5x5x2xf32>, %dcols: tensor<?x18xf32>) -> (tensor<?x18xf32>, tensor<?x5x5x2xf32>) {
  // CHECK: dps.im2col %{{.*}} kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<?x5x5x2xf32>
  %cols = dps.im2col %x kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<?x5x5x2xf32>
  // CHECK: dps.col2im %{{.*}} kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<?x18xf32> to tensor<?x5x5x2xf32>
  %dx = dps.col2im %dcols kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<?x18xf32> to tensor<?x5x5x2xf32>
  return %cols, %dx : tensor<?x18xf32>, tensor<?x5x5x2xf32>
}

// -----

// CHECK-LABEL: func @reshape
// CHECK: dps.reshape %{{.*}} : tensor<?x1568xf32> to tensor<?x7x7x32xf32>
// CHECK: dps.reshape %{{.*}} : tensor<3x3x1x16xf32> to tensor<9x16xf32>
func.func @reshape(%x: tensor<?x1568xf32>, %f: tensor<3x3x1x16xf32>) -> (tensor<?x7x7x32xf32>, tensor<9x16xf32>) {
  %y = dps.reshape %x : tensor<?x1568xf32> to tensor<?x7x7x32xf32>
  %g = dps.reshape %f : tensor<3x3x1x16xf32> to tensor<9x16xf32>
  return %y, %g : tensor<?x7x7x32xf32>, tensor<9x16xf32>
}

// -----

// CHECK-LABEL: func @grads
func.func @grads(%dy: tensor<?x8xf32>, %x: tensor<?x8xf32>, %dp: tensor<?x2x2x3xf32>, %img: tensor<?x4x4x3xf32>,
                 %logits: tensor<?x10xf32>, %labels: tensor<?xi32>, %dl: tensor<?xf32>) {
  // CHECK: dps.relu_grad %{{.*}}, %{{.*}} : tensor<?x8xf32>
  %a = dps.relu_grad %dy, %x : tensor<?x8xf32>
  // CHECK: dps.sigmoid_grad %{{.*}}, %{{.*}} : tensor<?x8xf32>
  %b = dps.sigmoid_grad %dy, %x : tensor<?x8xf32>
  // CHECK: dps.tanh_grad %{{.*}}, %{{.*}} : tensor<?x8xf32>
  %c = dps.tanh_grad %dy, %x : tensor<?x8xf32>
  // CHECK: dps.max_pool2d_grad %{{.*}}, %{{.*}} kernel = [2, 2] strides = [2, 2] : tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>
  %d = dps.max_pool2d_grad %dp, %img kernel = [2, 2] strides = [2, 2] : tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>
  // CHECK: dps.avg_pool2d_grad %{{.*}} kernel = [2, 2] strides = [2, 2] {count_include_pad} : tensor<?x2x2x3xf32> to tensor<?x4x4x3xf32>
  %e = dps.avg_pool2d_grad %dp kernel = [2, 2] strides = [2, 2] {count_include_pad} : tensor<?x2x2x3xf32> to tensor<?x4x4x3xf32>
  // CHECK: dps.softmax_cross_entropy_grad %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x10xf32>, tensor<?xi32>, tensor<?xf32>
  %f = dps.softmax_cross_entropy_grad %logits, %labels, %dl : tensor<?x10xf32>, tensor<?xi32>, tensor<?xf32>
  // CHECK: dps.mse_grad %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x10xf32>, tensor<?xf32>
  %g = dps.mse_grad %logits, %logits, %dl : tensor<?x10xf32>, tensor<?xf32>
  return
}
