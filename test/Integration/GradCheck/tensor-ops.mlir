// Gradients through the ops ONNX graphs bring: broadcasting dps.add (its
// sum_to adjoint), a batched dps.matmul whose operands are one value,
// dps.transpose, dps.softmax and dps.log_softmax.
// RUN: dps-gradcheck %s --rows 3 | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: dense0.weight {{.*}} ok
// CHECK: add0.weight {{.*}} ok
// CHECK: dense1.weight {{.*}} ok
// CHECK: add1.weight {{.*}} ok
// CHECK: PASS
func.func @f(%x: tensor<?x6xf32>,
             %w: tensor<6x4xf32> {dps.param = #dps.init<he_normal>},
             %b: tensor<1x4xf32> {dps.param = #dps.init<glorot_uniform>},
             %v: tensor<4x3xf32> {dps.param = #dps.init<glorot_uniform>},
             %c: tensor<3xf32> {dps.param = #dps.init<glorot_uniform>}) -> tensor<?x3xf32> {
  %h = dps.dense %x, %w : tensor<?x6xf32>, tensor<6x4xf32>
  %h2 = dps.add %h, %b : tensor<?x4xf32>, tensor<1x4xf32>
  %t = dps.tanh %h2 : tensor<?x4xf32>
  %a = dps.reshape %t : tensor<?x4xf32> to tensor<?x2x2xf32>
  %p = dps.matmul %a, %a transpose_rhs : tensor<?x2x2xf32>, tensor<?x2x2xf32>
  %q = dps.reshape %p : tensor<?x2x2xf32> to tensor<?x4xf32>
  %s = dps.softmax %q axis = -1 : tensor<?x4xf32>
  %s3 = dps.reshape %s : tensor<?x4xf32> to tensor<?x2x2xf32>
  %r3 = dps.transpose %s3 permutation = [0, 2, 1] : tensor<?x2x2xf32>
  %r = dps.reshape %r3 : tensor<?x2x2xf32> to tensor<?x4xf32>
  %l = dps.log_softmax %r axis = 1 : tensor<?x4xf32>
  %y = dps.dense %l, %v : tensor<?x4xf32>, tensor<4x3xf32>
  %y2 = dps.add %y, %c : tensor<?x3xf32>, tensor<3xf32>
  return %y2 : tensor<?x3xf32>
}
dps.train_step @train {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 4}
