// The straight-through gradient of dps.cast: an f32 cast with a scale is
// y = x * s, whose gradient is s * dy.
// RUN: dps-gradcheck %s --rows 4 | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: dense0.weight {{.*}} ok
// CHECK: dense1.weight {{.*}} ok
// CHECK: PASS
func.func @f(%x: tensor<?x5xf32>, %w: tensor<5x6xf32> {dps.param = #dps.init<he_normal>},
             %v: tensor<6x3xf32> {dps.param = #dps.init<he_normal>}) -> tensor<?x3xf32> {
  %s = arith.constant 1.5 : f32
  %h = dps.dense %x, %w : tensor<?x5xf32>, tensor<5x6xf32>
  %c = dps.cast %h scale %s : tensor<?x6xf32> to tensor<?x6xf32>
  %t = dps.tanh %c : tensor<?x6xf32>
  %y = dps.dense %t, %v : tensor<?x6xf32>, tensor<6x3xf32>
  return %y : tensor<?x3xf32>
}
dps.train_step @train {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}
