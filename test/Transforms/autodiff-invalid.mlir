// RUN: dps-opt %s -dps-autodiff -split-input-file -verify-diagnostics

func.func @f(%x: tensor<?x3xf32>, %w: tensor<3x3xf32> {dps.param = #dps.init<he_normal>}) -> tensor<?x3xf32> {
  %h = dps.dense %x, %w : tensor<?x3xf32>, tensor<3x3xf32>
  // expected-error @+1 {{'arith.negf' op lies between a parameter and the loss but is not differentiable; write the model with dps layer ops}}
  %n = arith.negf %h : tensor<?x3xf32>
  return %n : tensor<?x3xf32>
}
dps.train_step @t {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 4}

// -----

func.func @f(%x: tensor<?x3xf32>, %w: tensor<3x3xf32> {dps.param = #dps.init<he_normal>}) -> tensor<?x3xf32> {
  %h = dps.dense %x, %w : tensor<?x3xf32>, tensor<3x3xf32>
  return %h : tensor<?x3xf32>
}
func.func private @t_grad()
// expected-error @+1 {{'dps.train_step' op cannot derive '@t_grad': the symbol already exists}}
dps.train_step @t {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 4}

// -----

// Ops that do not depend on a parameter need no gradient, differentiable or not.
func.func @f(%x: tensor<?x3xf32>, %w: tensor<3x3xf32> {dps.param = #dps.init<he_normal>}) -> tensor<?x3xf32> {
  %n = arith.negf %x : tensor<?x3xf32>
  %h = dps.dense %n, %w : tensor<?x3xf32>, tensor<3x3xf32>
  return %h : tensor<?x3xf32>
}
dps.train_step @t {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 4}
