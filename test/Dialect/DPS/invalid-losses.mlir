// RUN: dps-opt %s -split-input-file -verify-diagnostics

func.func @float_labels(%logits: tensor<4x10xf32>, %labels: tensor<4xf32>) {
  // expected-error @+1 {{operand #1 must be 1D tensor of 32-bit signless integer or 64-bit signless integer values, but got 'tensor<4xf32>'}}
  %l = dps.softmax_cross_entropy %logits, %labels : tensor<4x10xf32>, tensor<4xf32>
  return
}

// -----

func.func @label_count(%logits: tensor<4x10xf32>, %labels: tensor<5xi32>) {
  // expected-error @+1 {{'dps.softmax_cross_entropy' op has 4 rows of logits but 5 labels}}
  %l = dps.softmax_cross_entropy %logits, %labels : tensor<4x10xf32>, tensor<5xi32>
  return
}

// -----

func.func @label_rank(%logits: tensor<4x10xf32>, %labels: tensor<4x1xi32>) {
  // expected-error @+1 {{'dps.softmax_cross_entropy' op expects rank-2 logits (N x C) and rank-1 labels (N)}}
  %l = dps.softmax_cross_entropy %logits, %labels : tensor<4x10xf32>, tensor<4x1xi32>
  return
}

// -----

func.func @mse_types(%p: tensor<4x10xf32>, %t: tensor<4x9xf32>) {
  // expected-error @+1 {{'dps.mse' op failed to verify that all of {prediction, target} have same type}}
  %l = "dps.mse"(%p, %t) : (tensor<4x10xf32>, tensor<4x9xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @mse_rank(%p: tensor<4xf32>) {
  // expected-error @+1 {{'dps.mse' op expects rank-2 predictions (N x C)}}
  %l = dps.mse %p, %p : tensor<4xf32>
  return
}
