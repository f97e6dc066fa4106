// The ops ONNX graphs bring (broadcasting add, batched matmul, transpose,
// softmax, log_softmax) at every rung of the ladder against the f32 kernel.
// f8E5M2 is left out: on this chain (a batched product of a tensor with
// itself feeding a softmax) its two mantissa bits move the summed loss by
// 0.02-4.5% over seeds 1-3, past the 2% bound, while its gradient cosine
// stays >= 0.996.
// RUN: dps-rungcheck %s --rows 30 --seed 1 | FileCheck %s
// RUN: dps-rungcheck %s --rows 30 --seed 2 | FileCheck %s
// CHECK: f16 {{.*}} differs from f32, overflow 0  ok
// CHECK: bf16 {{.*}} differs from f32, overflow 0  ok
// CHECK: f8E4M3FN {{.*}} differs from f32, overflow 0  ok
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
  ladder = #dps.ladder<[f32, f16, bf16, f8E4M3FN]>, batch = 32}
