// Gradients of dps.dense without bias through the per-sample mean squared error.
// RUN: dps-gradcheck %s --rows 5 | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: dense0.weight {{.*}} ok
// CHECK: dense1.weight {{.*}} ok
// CHECK: PASS
func.func @f(%x: tensor<?x4xf32>, %w: tensor<4x6xf32> {dps.param = #dps.init<glorot_uniform>},
             %v: tensor<6x3xf32> {dps.param = #dps.init<glorot_uniform>}) -> tensor<?x3xf32> {
  %h = dps.dense %x, %w : tensor<?x4xf32>, tensor<4x6xf32>
  %t = dps.tanh %h : tensor<?x6xf32>
  %y = dps.dense %t, %v : tensor<?x6xf32>, tensor<6x3xf32>
  return %y : tensor<?x3xf32>
}
dps.train_step @train {forward = @f, loss = #dps.loss<mse>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}
