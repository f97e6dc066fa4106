// RUN: dps-opt %s -split-input-file -dps-finalize-kernels -verify-diagnostics | FileCheck %s

// Declarations and forward functions go; kernels and what they call stay.
// CHECK-NOT: dps.train_step
// CHECK-NOT: func.func @forward
// CHECK: func.func private @helper
// CHECK: func.func @step_grad
// CHECK-SAME: dps.kernel = #dps.kernel<grad>
func.func @forward(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32>
dps.train_step @step {forward = @forward, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 4}
func.func @step_grad(%x: tensor<4xf32>) -> tensor<4xf32> attributes {dps.kernel = #dps.kernel<grad>} {
  %y = func.call @helper(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// A dps op left after the conversion breaks the backend contract.
func.func @step_grad(%x: tensor<4xf32>) -> tensor<4xf32> attributes {dps.kernel = #dps.kernel<grad>} {
  // expected-error @+1 {{'dps.relu' op is left after lowering: no pattern of convert-dps-to-linalg handled it}}
  %y = dps.relu %x : tensor<4xf32>
  return %y : tensor<4xf32>
}
