// Gradients through a dilated dps.max_pool2d (taps two rows and columns
// apart, padded: ONNX's MaxPool dilations). As in max_pool2d.mlir, a 1x1
// convolution of one channel feeds the pool, so perturbing its weights
// never changes which element of a window is the maximum.
// RUN: dps-gradcheck %s --rows 3 | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: conv2d0.filter {{.*}} ok
// CHECK: conv2d0.bias {{.*}} ok
// CHECK: dense0.weight {{.*}} ok
// CHECK: PASS
func.func @f(%x: tensor<?x8x8x1xf32>,
             %f1: tensor<1x1x1x3xf32> {dps.param = #dps.init<he_normal>},
             %c1: tensor<3xf32> {dps.param = #dps.init<zeros>},
             %w: tensor<27x4xf32> {dps.param = #dps.init<glorot_uniform>}) -> tensor<?x4xf32> {
  %y1 = dps.conv2d %x, %f1, %c1 : tensor<?x8x8x1xf32>, tensor<1x1x1x3xf32>, tensor<3xf32>
  // A 2x2 window with dilation 2 spans 3 rows: OH = (8 + 1 + 0 - 3) / 2 + 1 = 4,
  // then with stride 1: (4 + 1 + 0 - 3) + 1 = 3.
  %p1 = dps.max_pool2d %y1 kernel = [2, 2] strides = [2, 2] padding = [1, 1, 0, 0] dilations = [2, 2] : tensor<?x8x8x3xf32>
  %p2 = dps.max_pool2d %p1 kernel = [2, 2] padding = [1, 1, 0, 0] dilations = [2, 2] : tensor<?x4x4x3xf32>
  %flat = dps.flatten %p2 : tensor<?x3x3x3xf32>
  %y = dps.dense %flat, %w : tensor<?x27xf32>, tensor<27x4xf32>
  return %y : tensor<?x4xf32>
}
dps.train_step @train {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 4}
