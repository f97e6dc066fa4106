// Gradients of dps.dense (weight, bias) through softmax cross-entropy.
// RUN: dps-gradcheck %s --rows 6 | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: dense0.weight {{.*}} ok
// CHECK: dense0.bias {{.*}} ok
// CHECK: padding rows {{.*}} ok
// CHECK: accumulation {{.*}} ok
// CHECK: PASS
func.func @f(%x: tensor<?x5xf32>, %w: tensor<5x3xf32> {dps.param = #dps.init<he_normal>},
             %b: tensor<3xf32> {dps.param = #dps.init<zeros>}) -> tensor<?x3xf32> {
  %y = dps.dense %x, %w, %b : tensor<?x5xf32>, tensor<5x3xf32>, tensor<3xf32>
  return %y : tensor<?x3xf32>
}
dps.train_step @train {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}
