// RUN: dps-opt %s -split-input-file -verify-diagnostics

func.func @add_not_broadcastable(%x: tensor<3x4xf32>, %y: tensor<5xf32>) {
  // expected-error @+1 {{'dps.add' op cannot broadcast shapes 3x4 and 5}}
  %z = dps.add %x, %y : tensor<3x4xf32>, tensor<5xf32>
  return
}

// -----

func.func @add_element_types(%x: tensor<3x4xf32>, %y: tensor<4xbf16>) {
  // expected-error @+1 {{'dps.add' op failed to verify that all of {lhs, rhs, result} have same element type}}
  %z = dps.add %x, %y : tensor<3x4xf32>, tensor<4xbf16>
  return
}

// -----

func.func @sum_to_not_broadcast(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'dps.sum_to' op result shape 5 does not broadcast to the input's 3x4}}
  %z = dps.sum_to %x : tensor<3x4xf32> to tensor<5xf32>
  return
}

// -----

func.func @sum_to_dynamic(%x: tensor<?x4xf32>) {
  // expected-error @+1 {{'dps.sum_to' op result must be statically shaped}}
  %z = dps.sum_to %x : tensor<?x4xf32> to tensor<?x1xf32>
  return
}

// -----

func.func @matmul_ranks(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'dps.matmul' op expects operands of one rank, at least 2}}
  %c = dps.matmul %a, %b : tensor<2x3x4xf32>, tensor<4x5xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<3x4x5xf32>) {
  // expected-error @+1 {{'dps.matmul' op batch dimension 0 differs: 2 and 3}}
  %c = dps.matmul %a, %b : tensor<2x3x4xf32>, tensor<3x4x5xf32>
  return
}

// -----

func.func @matmul_contraction(%a: tensor<2x3x4xf32>, %b: tensor<2x5x4xf32>) {
  // expected-error @+1 {{'dps.matmul' op contracts 4 columns of the (transposed) lhs with 5 rows of the (transposed) rhs}}
  %c = dps.matmul %a, %b : tensor<2x3x4xf32>, tensor<2x5x4xf32>
  return
}

// -----

func.func @transpose_not_permutation(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{'dps.transpose' op permutation [0, 0, 2] is not a permutation of the 3 dimensions}}
  %y = dps.transpose %x permutation = [0, 0, 2] : tensor<2x3x4xf32>
  return
}

// -----

func.func @transpose_rank(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{'dps.transpose' op permutation [1, 0] is not a permutation of the 3 dimensions}}
  %y = dps.transpose %x permutation = [1, 0] : tensor<2x3x4xf32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'dps.softmax' op axis 2 is outside [-2, 2)}}
  %y = dps.softmax %x axis = 2 : tensor<2x3xf32>
  return
}

// -----

func.func @log_softmax_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'dps.log_softmax' op axis -3 is outside [-2, 2)}}
  %y = dps.log_softmax %x axis = -3 : tensor<2x3xf32>
  return
}

// -----

// Found by dps-fuzz-ir: a scalar operand type reached the broadcast shape
// inference, which runs while parsing, before operand types are verified.
func.func @add_scalar(%x: tensor<3xf32>, %y: f32) {
  // expected-error @+1 {{'dps.add' op expects ranked tensors}}
  %z = dps.add %x, %y : tensor<3xf32>, f32
  return
}

