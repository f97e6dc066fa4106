// RUN: dps-opt %s -split-input-file -verify-diagnostics

func.func @matmul_contraction(%a: tensor<?x4xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{'dps.matmul' op contracts 4 columns of the (transposed) lhs with 3 rows of the (transposed) rhs}}
  %x = dps.matmul %a, %b : tensor<?x4xf32>, tensor<3x4xf32>
  return
}

// -----

func.func @add_types(%a: tensor<4xf32>, %b: tensor<4xbf16>) {
  // expected-error @+1 {{'dps.add' op failed to verify that all of {lhs, rhs, result} have same element type}}
  %x = "dps.add"(%a, %b) : (tensor<4xf32>, tensor<4xbf16>) -> tensor<4xf32>
  return
}

// -----

func.func @add_result_shape(%a: tensor<4x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{'dps.add' op inferred type(s) 'tensor<4x3xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'}}
  // expected-error @+1 {{'dps.add' op failed to infer returned types}}
  %x = "dps.add"(%a, %b) : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @sum_rows_scalar(%a: tensor<f32>) {
  // expected-error @+1 {{'dps.sum_rows' op expects a tensor of rank >= 1}}
  %x = dps.sum_rows %a : tensor<f32>
  return
}

// -----

func.func @reshape_count(%a: tensor<4x6xf32>) {
  // expected-error @+1 {{'dps.reshape' op cannot reshape 'tensor<4x6xf32>' (24 elements) to 'tensor<5x5xf32>' (25 elements)}}
  %x = dps.reshape %a : tensor<4x6xf32> to tensor<5x5xf32>
  return
}

// -----

func.func @reshape_two_dynamic(%a: tensor<?x?xf32>) {
  // expected-error @+1 {{'dps.reshape' op allows at most one dynamic dimension on each side}}
  %x = dps.reshape %a : tensor<?x?xf32> to tensor<?xf32>
  return
}

// -----

func.func @reshape_static_dynamic(%a: tensor<4x6xf32>) {
  // expected-error @+1 {{'dps.reshape' op cannot reshape between a static and a dynamic element count}}
  %x = dps.reshape %a : tensor<4x6xf32> to tensor<?x6xf32>
  return
}

// -----

func.func @col2im_shape(%dcols: tensor<?x9xf32>) {
  // expected-error @+1 {{'dps.col2im' op the windows matrix has shape ?x9 but the forward op produces ?x18}}
  %dx = dps.col2im %dcols kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<?x9xf32> to tensor<?x5x5x2xf32>
  return
}

// -----

func.func @im2col_window(%x: tensor<?x2x2x1xf32>) {
  // expected-error @+1 {{'dps.im2col' op window of 3 does not fit the padded input height of 2}}
  %cols = dps.im2col %x kernel = [3, 3] : tensor<?x2x2x1xf32>
  return
}

// -----

func.func @max_pool_grad_shape(%dp: tensor<?x3x3x3xf32>, %img: tensor<?x4x4x3xf32>) {
  // expected-error @+1 {{'dps.max_pool2d_grad' op the result gradient has shape ?x3x3x3 but the forward op produces ?x2x2x3}}
  %d = dps.max_pool2d_grad %dp, %img kernel = [2, 2] strides = [2, 2] : tensor<?x3x3x3xf32>, tensor<?x4x4x3xf32>
  return
}

// -----

func.func @avg_pool_grad_shape(%dp: tensor<?x2x2x3xf32>) {
  // expected-error @+1 {{'dps.avg_pool2d_grad' op the result gradient has shape ?x2x2x3 but the forward op produces ?x3x3x3}}
  %d = dps.avg_pool2d_grad %dp kernel = [2, 2] : tensor<?x2x2x3xf32> to tensor<?x4x4x3xf32>
  return
}

// -----

func.func @sce_grad_types(%logits: tensor<?x10xf32>, %labels: tensor<?xi32>, %dl: tensor<?xbf16>) {
  // expected-error @+1 {{'dps.softmax_cross_entropy_grad' op failed to verify that all of {logits, grad} have same element type}}
  %f = dps.softmax_cross_entropy_grad %logits, %labels, %dl : tensor<?x10xf32>, tensor<?xi32>, tensor<?xbf16>
  return
}

// -----

func.func @relu_grad_types(%dy: tensor<?x8xf32>, %x: tensor<?x4xf32>) {
  // expected-error @+1 {{'dps.relu_grad' op requires the same type for all operands and results}}
  %a = "dps.relu_grad"(%dy, %x) : (tensor<?x8xf32>, tensor<?x4xf32>) -> tensor<?x8xf32>
  return
}
