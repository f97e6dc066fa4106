// Gradients of dps.conv2d with strides, dilations and uneven padding, the
// second convolution without bias.
// RUN: dps-gradcheck %s --rows 3 | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: conv2d0.filter {{.*}} ok
// CHECK: conv2d0.bias {{.*}} ok
// CHECK: conv2d1.filter {{.*}} ok
// CHECK: PASS
func.func @f(%x: tensor<?x9x8x2xf32>,
             %f1: tensor<3x2x2x3xf32> {dps.param = #dps.init<he_normal>},
             %c1: tensor<3xf32> {dps.param = #dps.init<zeros>},
             %f2: tensor<2x2x3x2xf32> {dps.param = #dps.init<he_normal>},
             %w: tensor<16x4xf32> {dps.param = #dps.init<glorot_uniform>}) -> tensor<?x4xf32> {
  // OH = (9 + 1 + 0 - 2*2 - 1)/2 + 1 = 3, OW = (8 + 0 + 2 - 1 - 1)/1 + 1 = 9
  %y1 = dps.conv2d %x, %f1, %c1 strides = [2, 1] padding = [1, 0, 0, 2] dilations = [2, 1]
      : tensor<?x9x8x2xf32>, tensor<3x2x2x3xf32>, tensor<3xf32>
  %t1 = dps.sigmoid %y1 : tensor<?x3x9x3xf32>
  // OH = (3 - 2)/1 + 1 = 2, OW = (9 - 2*(2 - 1) - 1)/2 + 1 = 4
  %y2 = dps.conv2d %t1, %f2 strides = [1, 2] dilations = [1, 2] : tensor<?x3x9x3xf32>, tensor<2x2x3x2xf32>
  %flat = dps.flatten %y2 : tensor<?x2x4x2xf32>
  %y = dps.dense %flat, %w : tensor<?x16xf32>, tensor<16x4xf32>
  return %y : tensor<?x4xf32>
}
dps.train_step @train {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 4}
