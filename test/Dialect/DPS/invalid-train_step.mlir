// RUN: dps-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{'dps.train_step' op forward function @missing does not name a func.func}}
dps.train_step @train {forward = @missing, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}

// -----

func.func @static_batch(%x: tensor<8x4xf32>, %w: tensor<4x3xf32> {dps.param = #dps.init<he_normal>}) -> tensor<8x3xf32> {
  %y = dps.dense %x, %w : tensor<8x4xf32>, tensor<4x3xf32>
  return %y : tensor<8x3xf32>
}
// expected-error @+1 {{'dps.train_step' op forward function @static_batch must take an input of type tensor<?x...xf32> (a dynamic batch dimension, so kernels process only the valid rows, and static sample dimensions), got 'tensor<8x4xf32>'}}
dps.train_step @train {forward = @static_batch, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}

// -----

func.func @unmarked(%x: tensor<?x4xf32>, %w: tensor<4x3xf32>) -> tensor<?x3xf32> {
  %y = dps.dense %x, %w : tensor<?x4xf32>, tensor<4x3xf32>
  return %y : tensor<?x3xf32>
}
// expected-error @+1 {{'dps.train_step' op forward function @unmarked argument 1 is neither the input nor a parameter; mark parameters with 'dps.param'}}
dps.train_step @train {forward = @unmarked, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}

// -----

func.func @two_results(%x: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  return %x, %x : tensor<?x4xf32>, tensor<?x4xf32>
}
// expected-error @+1 {{'dps.train_step' op forward function @two_results must return exactly one tensor, got 2}}
dps.train_step @train {forward = @two_results, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}

// -----

func.func @rank3_output(%x: tensor<?x4x2xf32>) -> tensor<?x4x2xf32> {
  return %x : tensor<?x4x2xf32>
}
// expected-error @+1 {{'dps.train_step' op forward function @rank3_output must return tensor<?xCxf32> (batch x outputs), got 'tensor<?x4x2xf32>'}}
dps.train_step @train {forward = @rank3_output, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}

// -----

func.func @param_first(%w: tensor<4x3xf32> {dps.param = #dps.init<zeros>}) -> tensor<4x3xf32> {
  return %w : tensor<4x3xf32>
}
// expected-error @+1 {{'dps.train_step' op forward function @param_first must take the input batch as its first argument (without 'dps.param')}}
dps.train_step @train {forward = @param_first, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}

// -----

func.func private @external(%x: tensor<?x4xf32>) -> tensor<?x4xf32>
// expected-error @+1 {{'dps.train_step' op forward function @external has no body}}
dps.train_step @train {forward = @external, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}

// -----

func.func @f(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
// expected-error @+1 {{'dps.train_step' op attribute 'batch' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
dps.train_step @train {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 0}

// -----

func.func @f(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
// expected-error @+1 {{'dps.train_step' op accumulates in 'bf16'; only f32 accumulation (and f32 master weights) is supported}}
dps.train_step @train {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[bf16]>, accumulate = bf16, batch = 8}

// -----

func.func @f(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
// expected-error @+1 {{'dps.train_step' op attribute 'optimizer' failed to satisfy constraint: OptimizerAttrInterface instance}}
dps.train_step @train {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = 0.1 : f32, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}

// -----

func.func @f(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
// expected-error @+1 {{'dps.train_step' op requires attribute 'ladder'}}
dps.train_step @train {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>, batch = 8}

// -----

func.func @dynamic_features(%x: tensor<?x?xf32>) -> tensor<?x4xf32> {
  %c = arith.constant dense<0.0> : tensor<1x4xf32>
  %y = tensor.cast %c : tensor<1x4xf32> to tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
// expected-error @+1 {{'dps.train_step' op forward function @dynamic_features must take an input of type tensor<?x...xf32> (a dynamic batch dimension, so kernels process only the valid rows, and static sample dimensions), got 'tensor<?x?xf32>'}}
dps.train_step @train {forward = @dynamic_features, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}

// -----

func.func @branches(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  cf.br ^next
^next:
  return %x : tensor<?x4xf32>
}
// expected-error @+1 {{'dps.train_step' op forward function @branches must be a single block of layer ops (no control flow between blocks)}}
dps.train_step @train {forward = @branches, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}
