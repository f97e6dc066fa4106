// Gradients through contractions whose sizes straddle the 8x32 register
// tiles of dps-vectorize-contractions: 13 rows (one full 8-row tile and 5
// single rows), 45 inputs, 37 hidden columns (a 32-wide and a 5-wide tile),
// so every peeled piece and the transposed-operand path are checked against
// finite differences.
// RUN: dps-gradcheck %s --rows 13 | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: dense0.weight {{.*}} ok
// CHECK: dense1.weight {{.*}} ok
// CHECK: PASS
func.func @f(%x: tensor<?x45xf32>,
             %w1: tensor<45x37xf32> {dps.param = #dps.init<he_normal>},
             %b1: tensor<37xf32> {dps.param = #dps.init<zeros>},
             %w2: tensor<37x10xf32> {dps.param = #dps.init<glorot_uniform>})
    -> tensor<?x10xf32> {
  %h = dps.dense %x, %w1, %b1 : tensor<?x45xf32>, tensor<45x37xf32>, tensor<37xf32>
  %a = dps.tanh %h : tensor<?x37xf32>
  %y = dps.dense %a, %w2 : tensor<?x37xf32>, tensor<37x10xf32>
  return %y : tensor<?x10xf32>
}
dps.train_step @train {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 16}
