// The transposed contraction operands off the AMX path (dps-lower-strided-
// copies: 16 x 16 register blocks, the edges element by element), run
// against the f32 kernel on the FMA path and, where the host has
// AVX512-BF16, the vdpbf16ps path: the backward's W2^T and W3^T (48 x 40:
// two whole blocks and edges both ways; 40 x 10: edges only), the weight
// gradients' X^T and H^T with batches of 13 rows (edges only) and 45 rows
// (two whole blocks, 13 rows past them). The batches also take the first
// layer's leftover row tiles (dps-vectorize-contractions; its tile rows are
// 520 x 32 multiply-adds): 13 and 45 rows leave a 4-row tile and a single
// row past the 8-row tiles, 47 rows a 4-row tile and 3 single rows.
// RUN: env DPS_AMX=0 DPS_BF16_DOT=0 dps-rungcheck %s --rows 13 | FileCheck %s
// RUN: env DPS_AMX=0 DPS_BF16_DOT=0 dps-rungcheck %s --rows 45 --seed 2 | FileCheck %s
// RUN: env DPS_AMX=0 DPS_BF16_DOT=0 dps-rungcheck %s --rows 47 --seed 4 | FileCheck %s
// RUN: %if avx512bf16 %{ env DPS_AMX=0 DPS_BF16_DOT=1 dps-rungcheck %s --rows 47 --seed 3 | FileCheck %s %}
// CHECK: bf16 {{.*}} ok
// CHECK: PASS
func.func @f(%x: tensor<?x520xf32>,
             %w1: tensor<520x48xf32> {dps.param = #dps.init<he_normal>},
             %w2: tensor<48x40xf32> {dps.param = #dps.init<he_normal>},
             %w3: tensor<40x10xf32> {dps.param = #dps.init<glorot_uniform>})
    -> tensor<?x10xf32> {
  %h1 = dps.dense %x, %w1 : tensor<?x520xf32>, tensor<520x48xf32>
  %a1 = dps.tanh %h1 : tensor<?x48xf32>
  %h2 = dps.dense %a1, %w2 : tensor<?x48xf32>, tensor<48x40xf32>
  %a2 = dps.tanh %h2 : tensor<?x40xf32>
  %y = dps.dense %a2, %w3 : tensor<?x40xf32>, tensor<40x10xf32>
  return %y : tensor<?x10xf32>
}
dps.train_step @train {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32, bf16]>, batch = 64}
