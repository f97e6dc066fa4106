// RUN: dps-opt %s -split-input-file -verify-diagnostics

func.func @features_mismatch(%x: tensor<?x100xf32>, %w: tensor<784x256xf32>) {
  // expected-error @+1 {{'dps.dense' op input has 100 features but the weight (K x M) expects 784}}
  %y = dps.dense %x, %w : tensor<?x100xf32>, tensor<784x256xf32>
  return
}

// -----

func.func @bias_mismatch(%x: tensor<?x4xf32>, %w: tensor<4x3xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{bias must be a rank-1 tensor of the weight's 3 outputs}}
  %y = dps.dense %x, %w, %b : tensor<?x4xf32>, tensor<4x3xf32>, tensor<5xf32>
  return
}

// -----

func.func @rank(%x: tensor<?x4x2xf32>, %w: tensor<4x3xf32>) {
  // expected-error @+1 {{'dps.dense' op expects a rank-2 input (N x K) and a rank-2 weight (K x M)}}
  %y = dps.dense %x, %w : tensor<?x4x2xf32>, tensor<4x3xf32>
  return
}

// -----

func.func @integer_input(%x: tensor<?x4xi32>, %w: tensor<4x3xi32>) {
  // expected-error @+1 {{operand #0 must be 2D tensor of 32-bit float or 16-bit float or bfloat16 type or f8E4M3FN type or f8E5M2 type values, but got 'tensor<?x4xi32>'}}
  %y = dps.dense %x, %w : tensor<?x4xi32>, tensor<4x3xi32>
  return
}

// -----

func.func @f64_input(%x: tensor<?x4xf64>, %w: tensor<4x3xf64>) {
  // expected-error @+1 {{but got 'tensor<?x4xf64>'}}
  %y = dps.dense %x, %w : tensor<?x4xf64>, tensor<4x3xf64>
  return
}

// -----

func.func @mixed_types(%x: tensor<?x4xf32>, %w: tensor<4x3xbf16>) {
  // expected-error @+1 {{failed to verify that all of {input, weight} have same element type}}
  %y = dps.dense %x, %w : tensor<?x4xf32>, tensor<4x3xbf16>
  return
}

// -----

func.func @bias_type(%x: tensor<?x4xf32>, %w: tensor<4x3xf32>, %b: tensor<3xbf16>) {
  // expected-error @+1 {{bias element type must match the weight's}}
  %y = dps.dense %x, %w, %b : tensor<?x4xf32>, tensor<4x3xf32>, tensor<3xbf16>
  return
}
