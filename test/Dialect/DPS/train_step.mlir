// RUN: dps-opt %s -split-input-file | dps-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func @mlp
// CHECK-SAME: {dps.param = #dps.init<he_normal>}
// CHECK: dps.train_step @train {batch = 64 : i64, forward = @mlp, ladder = #dps.ladder<[f32, bf16, f8E4M3FN]>, loss = #dps.loss<softmax_cross_entropy>, optimizer = #dps.sgd<lr = 5.000000e-02, momentum = 9.000000e-01>, schedule = #dps.lr_schedule<cosine>}
func.func @mlp(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {dps.param = #dps.init<he_normal>},
               %b: tensor<3xf32> {dps.param = #dps.init<zeros>}) -> tensor<?x3xf32> {
  %y = dps.dense %x, %w, %b : tensor<?x4xf32>, tensor<4x3xf32>, tensor<3xf32>
  return %y : tensor<?x3xf32>
}
dps.train_step @train {forward = @mlp, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.05, momentum = 0.9>, schedule = #dps.lr_schedule<cosine>,
  ladder = #dps.ladder<[f32, bf16, f8E4M3FN]>, batch = 64}

// -----

// Parameters may carry their values; an accumulation type at its default (f32)
// is elided.
// CHECK-LABEL: func @regression
// CHECK-SAME: {dps.param = dense<{{\[}}[5.000000e-01], [2.500000e-01]]> : tensor<2x1xf32>}
// CHECK: dps.train_step @fit {batch = 16 : i64, forward = @regression, ladder = #dps.ladder<[f32, f16]>, loss = #dps.loss<mse>, optimizer = #dps.adam<lr = 1.000000e-03>, schedule = #dps.lr_schedule<step, period = 5.000000e-01, gamma = 1.000000e-01>}
func.func @regression(%x: tensor<?x2xf32>, %w: tensor<2x1xf32> {dps.param = dense<[[0.5], [0.25]]> : tensor<2x1xf32>}) -> tensor<?x1xf32> {
  %y = dps.dense %x, %w : tensor<?x2xf32>, tensor<2x1xf32>
  return %y : tensor<?x1xf32>
}
dps.train_step @fit {forward = @regression, loss = #dps.loss<mse>, optimizer = #dps.adam<lr = 1.0e-3>,
  schedule = #dps.lr_schedule<step, period = 0.5>, ladder = #dps.ladder<[f32, f16]>, accumulate = f32, batch = 16}
