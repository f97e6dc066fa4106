// A 784-256-128-10 ReLU MLP for 28x28 images (Fashion-MNIST), trained with
// softmax cross-entropy, SGD (lr 0.05, momentum 0.9) on a cosine schedule and
// the ladder f32 > bf16 > f8E4M3FN. Run it: dps-train examples/mlp.mlir
func.func @mlp(%x: tensor<?x784xf32>,
               %w1: tensor<784x256xf32> {dps.param = #dps.init<he_normal>},
               %b1: tensor<256xf32> {dps.param = #dps.init<zeros>},
               %w2: tensor<256x128xf32> {dps.param = #dps.init<he_normal>},
               %b2: tensor<128xf32> {dps.param = #dps.init<zeros>},
               %w3: tensor<128x10xf32> {dps.param = #dps.init<glorot_uniform>},
               %b3: tensor<10xf32> {dps.param = #dps.init<zeros>})
    -> tensor<?x10xf32> {
  %h1 = dps.dense %x, %w1, %b1 : tensor<?x784xf32>, tensor<784x256xf32>, tensor<256xf32>
  %a1 = dps.relu %h1 : tensor<?x256xf32>
  %h2 = dps.dense %a1, %w2, %b2 : tensor<?x256xf32>, tensor<256x128xf32>, tensor<128xf32>
  %a2 = dps.relu %h2 : tensor<?x128xf32>
  %logits = dps.dense %a2, %w3, %b3 : tensor<?x128xf32>, tensor<128x10xf32>, tensor<10xf32>
  return %logits : tensor<?x10xf32>
}

dps.train_step @mlp_train {
  forward = @mlp,
  loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.05, momentum = 0.9>,
  schedule = #dps.lr_schedule<cosine>,
  ladder = #dps.ladder<[f32, bf16, f8E4M3FN]>,
  batch = 128
}
