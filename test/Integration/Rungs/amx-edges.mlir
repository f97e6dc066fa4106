// The AMX path's edges, run against the f32 kernel: k = 40 (padded to 64:
// the forward's A copied into a wider buffer, B's 20 pairs of rows packed
// and 12 pairs of zeros), the backward's G W2^T packing W2^T's pairs
// straight from W2's rows (16 pairs as a transposed block, 4 one element
// at a time), the weight gradients' X^T and H^T untransposed in 16 x 16
// blocks with the batch's leftover columns element by element, 48 columns
// (one 32-column block and one 16-column block), and batches of 13 rows
// (only the stack-padded band) and 45 rows (a pair of bands, a single band,
// 13 leftover rows).
// REQUIRES: amx
// RUN: env DPS_AMX=1 dps-rungcheck %s --rows 13 | FileCheck %s
// RUN: env DPS_AMX=1 dps-rungcheck %s --rows 45 --seed 2 | FileCheck %s
// CHECK: bf16 {{.*}} ok
// CHECK: PASS
func.func @f(%x: tensor<?x40xf32>,
             %w1: tensor<40x48xf32> {dps.param = #dps.init<he_normal>},
             %w2: tensor<48x40xf32> {dps.param = #dps.init<he_normal>},
             %w3: tensor<40x10xf32> {dps.param = #dps.init<glorot_uniform>})
    -> tensor<?x10xf32> {
  %h1 = dps.dense %x, %w1 : tensor<?x40xf32>, tensor<40x48xf32>
  %a1 = dps.tanh %h1 : tensor<?x48xf32>
  %h2 = dps.dense %a1, %w2 : tensor<?x48xf32>, tensor<48x40xf32>
  %a2 = dps.tanh %h2 : tensor<?x40xf32>
  %y = dps.dense %a2, %w3 : tensor<?x40xf32>, tensor<40x10xf32>
  return %y : tensor<?x10xf32>
}
dps.train_step @train {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32, bf16]>, batch = 64}
