// Every rung of the full ladder against the f32 kernel on the same weights
// and batch: summed losses within 2%, the gradient's cosine similarity to
// f32's >= 0.999 for f16/bf16 and >= 0.99 for the f8 formats, and not
// bit-identical (the rung really ran low); no overflow at a sane loss scale,
// and an overflow reported when the f16 loss scale overflows.
// RUN: dps-rungcheck %s --rows 30 --seed 1 | FileCheck %s
// RUN: dps-rungcheck %s --rows 30 --seed 2 | FileCheck %s
// RUN: dps-rungcheck %s --rows 30 --seed 3 | FileCheck %s
// CHECK: f16 {{.*}} differs from f32, overflow 0  ok
// CHECK: bf16 {{.*}} differs from f32, overflow 0  ok
// CHECK: f8E4M3FN {{.*}} differs from f32, overflow 0  ok
// CHECK: f8E5M2 {{.*}} differs from f32, overflow 0  ok
// CHECK: f16 with loss scale 1e30: overflow reported  ok
// CHECK: PASS
func.func @mlp(%x: tensor<?x64xf32>,
               %w1: tensor<64x32xf32> {dps.param = #dps.init<he_normal>},
               %b1: tensor<32xf32> {dps.param = #dps.init<zeros>},
               %w2: tensor<32x10xf32> {dps.param = #dps.init<glorot_uniform>},
               %b2: tensor<10xf32> {dps.param = #dps.init<zeros>}) -> tensor<?x10xf32> {
  %h = dps.dense %x, %w1, %b1 : tensor<?x64xf32>, tensor<64x32xf32>, tensor<32xf32>
  %a = dps.relu %h : tensor<?x32xf32>
  %y = dps.dense %a, %w2, %b2 : tensor<?x32xf32>, tensor<32x10xf32>, tensor<10xf32>
  return %y : tensor<?x10xf32>
}
dps.train_step @train {forward = @mlp, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.05, momentum = 0.9>, schedule = #dps.lr_schedule<cosine>,
  ladder = #dps.ladder<[f32, f16, bf16, f8E4M3FN, f8E5M2]>, batch = 32}
