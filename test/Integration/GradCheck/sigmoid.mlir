// Gradients through dps.sigmoid between two dense layers.
// RUN: dps-gradcheck %s --rows 6 | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: dense0.weight {{.*}} ok
// CHECK: dense0.bias {{.*}} ok
// CHECK: dense1.weight {{.*}} ok
// CHECK: PASS
func.func @f(%x: tensor<?x5xf32>, %w: tensor<5x7xf32> {dps.param = #dps.init<he_normal>},
             %b: tensor<7xf32> {dps.param = #dps.init<zeros>},
             %v: tensor<7x4xf32> {dps.param = #dps.init<he_normal>},
             %c: tensor<4xf32> {dps.param = #dps.init<zeros>}) -> tensor<?x4xf32> {
  %h = dps.dense %x, %w, %b : tensor<?x5xf32>, tensor<5x7xf32>, tensor<7xf32>
  %a = dps.sigmoid %h : tensor<?x7xf32>
  %y = dps.dense %a, %v, %c : tensor<?x7xf32>, tensor<7x4xf32>, tensor<4xf32>
  return %y : tensor<?x4xf32>
}
dps.train_step @train {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}
