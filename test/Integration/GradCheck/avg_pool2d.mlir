// Gradients through dps.avg_pool2d, with padding excluded from and included
// in the divisor.
// RUN: dps-gradcheck %s --rows 3 | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: conv2d0.filter {{.*}} ok
// CHECK: conv2d0.bias {{.*}} ok
// CHECK: dense0.weight {{.*}} ok
// CHECK: PASS
func.func @f(%x: tensor<?x7x7x1xf32>,
             %f1: tensor<2x2x1x2xf32> {dps.param = #dps.init<he_normal>},
             %c1: tensor<2xf32> {dps.param = #dps.init<zeros>},
             %w: tensor<18x4xf32> {dps.param = #dps.init<glorot_uniform>}) -> tensor<?x4xf32> {
  %y1 = dps.conv2d %x, %f1, %c1 : tensor<?x7x7x1xf32>, tensor<2x2x1x2xf32>, tensor<2xf32>
  %p1 = dps.avg_pool2d %y1 kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<?x6x6x2xf32>
  %p2 = dps.avg_pool2d %p1 kernel = [2, 2] padding = [1, 1, 0, 0] {count_include_pad} : tensor<?x3x3x2xf32>
  %flat = dps.flatten %p2 : tensor<?x3x3x2xf32>
  %y = dps.dense %flat, %w : tensor<?x18xf32>, tensor<18x4xf32>
  return %y : tensor<?x4xf32>
}
dps.train_step @train {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 4}
