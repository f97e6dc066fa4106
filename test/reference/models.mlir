// Small models for the PyTorch reference checks (make_fixtures.py builds the
// same networks in PyTorch). Not a lit test: test/Integration/Reference runs them.

// 12 -> 16 -> ReLU -> 8 -> tanh -> 4
func.func @mlp(%x: tensor<?x12xf32>,
               %w1: tensor<12x16xf32> {dps.param = #dps.init<he_normal>},
               %b1: tensor<16xf32> {dps.param = #dps.init<zeros>},
               %w2: tensor<16x8xf32> {dps.param = #dps.init<he_normal>},
               %b2: tensor<8xf32> {dps.param = #dps.init<zeros>},
               %w3: tensor<8x4xf32> {dps.param = #dps.init<glorot_uniform>},
               %b3: tensor<4xf32> {dps.param = #dps.init<zeros>}) -> tensor<?x4xf32> {
  %h1 = dps.dense %x, %w1, %b1 : tensor<?x12xf32>, tensor<12x16xf32>, tensor<16xf32>
  %a1 = dps.relu %h1 : tensor<?x16xf32>
  %h2 = dps.dense %a1, %w2, %b2 : tensor<?x16xf32>, tensor<16x8xf32>, tensor<8xf32>
  %a2 = dps.tanh %h2 : tensor<?x8xf32>
  %y = dps.dense %a2, %w3, %b3 : tensor<?x8xf32>, tensor<8x4xf32>, tensor<4xf32>
  return %y : tensor<?x4xf32>
}
dps.train_step @mlp_sgd {forward = @mlp, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1, momentum = 0.9, weight_decay = 1.0e-3>,
  schedule = #dps.lr_schedule<cosine>, ladder = #dps.ladder<[f32]>, batch = 8}
dps.train_step @mlp_adam {forward = @mlp, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.adam<lr = 0.01, beta1 = 0.9, beta2 = 0.999, epsilon = 1.0e-8, weight_decay = 1.0e-3>,
  schedule = #dps.lr_schedule<cosine>, ladder = #dps.ladder<[f32]>, batch = 8}

// 8x8x1 -> conv 3x3x4 (pad 1) -> ReLU -> max-pool 2x2 -> conv 3x3x6 (stride 2, pad 1)
// -> ReLU -> avg-pool 2x2 -> flatten -> dense 3
func.func @cnn(%x: tensor<?x8x8x1xf32>,
               %f1: tensor<3x3x1x4xf32> {dps.param = #dps.init<he_normal>},
               %c1: tensor<4xf32> {dps.param = #dps.init<zeros>},
               %f2: tensor<3x3x4x6xf32> {dps.param = #dps.init<he_normal>},
               %c2: tensor<6xf32> {dps.param = #dps.init<zeros>},
               %w: tensor<6x3xf32> {dps.param = #dps.init<glorot_uniform>},
               %b: tensor<3xf32> {dps.param = #dps.init<zeros>}) -> tensor<?x3xf32> {
  %y1 = dps.conv2d %x, %f1, %c1 padding = [1, 1, 1, 1] : tensor<?x8x8x1xf32>, tensor<3x3x1x4xf32>, tensor<4xf32>
  %r1 = dps.relu %y1 : tensor<?x8x8x4xf32>
  %p1 = dps.max_pool2d %r1 kernel = [2, 2] strides = [2, 2] : tensor<?x8x8x4xf32>
  %y2 = dps.conv2d %p1, %f2, %c2 strides = [2, 2] padding = [1, 1, 1, 1] : tensor<?x4x4x4xf32>, tensor<3x3x4x6xf32>, tensor<6xf32>
  %r2 = dps.relu %y2 : tensor<?x2x2x6xf32>
  %p2 = dps.avg_pool2d %r2 kernel = [2, 2] strides = [2, 2] : tensor<?x2x2x6xf32>
  %flat = dps.flatten %p2 : tensor<?x1x1x6xf32>
  %logits = dps.dense %flat, %w, %b : tensor<?x6xf32>, tensor<6x3xf32>, tensor<3xf32>
  return %logits : tensor<?x3xf32>
}
dps.train_step @cnn_sgd {forward = @cnn, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.05, momentum = 0.9>,
  schedule = #dps.lr_schedule<cosine>, ladder = #dps.ladder<[f32]>, batch = 6}
dps.train_step @cnn_adam {forward = @cnn, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.adam<lr = 0.005>,
  schedule = #dps.lr_schedule<cosine>, ladder = #dps.ladder<[f32]>, batch = 6}
