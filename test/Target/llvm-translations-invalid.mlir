// RUN: not dps-translate --dps-to-object %s -o %t.o 2>&1 | FileCheck %s

// A model whose forward function is not a layer graph fails to compile with a
// diagnostic, not a crash.
// CHECK: error: 'arith.negf' op lies between a parameter and the loss but is not differentiable
func.func @f(%x: tensor<?x3xf32>, %w: tensor<3x3xf32> {dps.param = #dps.init<he_normal>}) -> tensor<?x3xf32> {
  %h = dps.dense %x, %w : tensor<?x3xf32>, tensor<3x3xf32>
  %n = arith.negf %h : tensor<?x3xf32>
  return %n : tensor<?x3xf32>
}
dps.train_step @t {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 4}
