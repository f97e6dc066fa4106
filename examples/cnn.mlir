// A small CNN for 28x28x1 images (NHWC): conv 3x3x16 + ReLU + 2x2 max-pool,
// conv 3x3x32 + ReLU + 2x2 max-pool, dense 64 + ReLU, dense 10. Same loss,
// optimizer and ladder as the MLP. Run it: dps-train examples/cnn.mlir
func.func @cnn(%x: tensor<?x28x28x1xf32>,
               %f1: tensor<3x3x1x16xf32> {dps.param = #dps.init<he_normal>},
               %c1: tensor<16xf32> {dps.param = #dps.init<zeros>},
               %f2: tensor<3x3x16x32xf32> {dps.param = #dps.init<he_normal>},
               %c2: tensor<32xf32> {dps.param = #dps.init<zeros>},
               %w3: tensor<1568x64xf32> {dps.param = #dps.init<he_normal>},
               %b3: tensor<64xf32> {dps.param = #dps.init<zeros>},
               %w4: tensor<64x10xf32> {dps.param = #dps.init<glorot_uniform>},
               %b4: tensor<10xf32> {dps.param = #dps.init<zeros>})
    -> tensor<?x10xf32> {
  %y1 = dps.conv2d %x, %f1, %c1 padding = [1, 1, 1, 1]
      : tensor<?x28x28x1xf32>, tensor<3x3x1x16xf32>, tensor<16xf32>
  %r1 = dps.relu %y1 : tensor<?x28x28x16xf32>
  %p1 = dps.max_pool2d %r1 kernel = [2, 2] strides = [2, 2] : tensor<?x28x28x16xf32>
  %y2 = dps.conv2d %p1, %f2, %c2 padding = [1, 1, 1, 1]
      : tensor<?x14x14x16xf32>, tensor<3x3x16x32xf32>, tensor<32xf32>
  %r2 = dps.relu %y2 : tensor<?x14x14x32xf32>
  %p2 = dps.max_pool2d %r2 kernel = [2, 2] strides = [2, 2] : tensor<?x14x14x32xf32>
  %flat = dps.flatten %p2 : tensor<?x7x7x32xf32>
  %h = dps.dense %flat, %w3, %b3 : tensor<?x1568xf32>, tensor<1568x64xf32>, tensor<64xf32>
  %a = dps.relu %h : tensor<?x64xf32>
  %logits = dps.dense %a, %w4, %b4 : tensor<?x64xf32>, tensor<64x10xf32>, tensor<10xf32>
  return %logits : tensor<?x10xf32>
}

dps.train_step @cnn_train {
  forward = @cnn,
  loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.05, momentum = 0.9>,
  schedule = #dps.lr_schedule<cosine>,
  ladder = #dps.ladder<[f32, bf16, f8E4M3FN]>,
  batch = 128
}
