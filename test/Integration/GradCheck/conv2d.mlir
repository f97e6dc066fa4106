// Gradients of two stacked dps.conv2d (the second needs the first's input
// gradient: col2im), same padding, through flatten and dense.
// RUN: dps-gradcheck %s --rows 3 | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: conv2d0.filter {{.*}} ok
// CHECK: conv2d0.bias {{.*}} ok
// CHECK: conv2d1.filter {{.*}} ok
// CHECK: conv2d1.bias {{.*}} ok
// CHECK: dense0.weight {{.*}} ok
// CHECK: PASS
func.func @f(%x: tensor<?x6x6x2xf32>,
             %f1: tensor<3x3x2x3xf32> {dps.param = #dps.init<he_normal>},
             %c1: tensor<3xf32> {dps.param = #dps.init<zeros>},
             %f2: tensor<3x3x3x4xf32> {dps.param = #dps.init<he_normal>},
             %c2: tensor<4xf32> {dps.param = #dps.init<zeros>},
             %w: tensor<144x5xf32> {dps.param = #dps.init<glorot_uniform>}) -> tensor<?x5xf32> {
  %y1 = dps.conv2d %x, %f1, %c1 padding = [1, 1, 1, 1] : tensor<?x6x6x2xf32>, tensor<3x3x2x3xf32>, tensor<3xf32>
  %t1 = dps.tanh %y1 : tensor<?x6x6x3xf32>
  %y2 = dps.conv2d %t1, %f2, %c2 padding = [1, 1, 1, 1] : tensor<?x6x6x3xf32>, tensor<3x3x3x4xf32>, tensor<4xf32>
  %flat = dps.flatten %y2 : tensor<?x6x6x4xf32>
  %y = dps.dense %flat, %w : tensor<?x144xf32>, tensor<144x5xf32>
  return %y : tensor<?x5xf32>
}
dps.train_step @train {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 4}
